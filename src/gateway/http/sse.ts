/** How the gateway frames a JSON-RPC message as one SSE event (`id:` only on resumable streams). */
export function sseMessage(message: string, id?: string): string {
  return id === undefined ? `event: message\ndata: ${message}\n\n` : `id: ${id}\nevent: message\ndata: ${message}\n\n`;
}
