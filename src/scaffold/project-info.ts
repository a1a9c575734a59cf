/** What a new server project is called and built from, resolved once from the command line. */
export type Transport = 'stdio' | 'http' | 'both';

export interface ProjectInfo {
  name: string;
  version: string;
  description: string;
  transport: Transport;
  httpPort: number;
  /** Dependency versions, Patchbay's own (so a new project starts on what Patchbay is tested with). */
  versions: Record<string, string>;
}
