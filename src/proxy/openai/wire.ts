/**
 * The OpenAI Chat Completions wire shapes this adapter writes and reads
 * (https://platform.openai.com/docs/api-reference/chat). Compatible servers (OpenRouter, Ollama,
 * vLLM, llama.cpp, Groq, DeepSeek, Azure) add fields of their own; the ones we act on are typed
 * here as optional (`reasoning_content`, `reasoning`, vLLM's `stop_reason`).
 */

export interface ChatTextPart { type: 'text'; text: string }
export interface ChatImagePart { type: 'image_url'; image_url: { url: string } }
export interface ChatFilePart { type: 'file'; file: { filename: string; file_data: string } }
export type ChatUserPart = ChatTextPart | ChatImagePart | ChatFilePart;

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | ChatUserPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice = 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  user?: string;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: 'low' | 'medium' | 'high';
  /** OpenRouter's unified reasoning setting (https://openrouter.ai/docs/use-cases/reasoning-tokens). */
  reasoning?: { effort?: 'low' | 'medium' | 'high'; max_tokens?: number; enabled?: boolean };
  /** OpenRouter plugins; `web` gives the model search results (our mapping of Anthropic's web_search). */
  plugins?: Array<{ id: string }>;
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: unknown; strict: boolean } };
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/** A tool call as it appears in a response; `arguments` is an object on a few servers. */
export interface ChatResponseToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string | Record<string, unknown> };
}

export interface ChatResponseMessage {
  role?: string;
  content?: string | null | Array<{ type?: string; text?: string }>;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ChatResponseToolCall[] | null;
  function_call?: { name?: string; arguments?: string } | null;
}

export interface ChatChoice {
  index?: number;
  message?: ChatResponseMessage;
  delta?: ChatResponseMessage;
  finish_reason?: string | null;
  /** vLLM: the stop string (or token id) that ended generation. */
  stop_reason?: string | number | null;
}

export interface ChatCompletion {
  id?: string;
  model?: string;
  choices?: ChatChoice[];
  usage?: ChatUsage | null;
  error?: unknown;
}
