/**
 * The JSON-RPC error of a call the policy refused. -32003 sits in JSON-RPC's range for
 * implementation errors (JSON-RPC 2.0 §5.1) next to the hub's -32000…-32002; `data` carries the
 * rule and the decision so a client (or a test) can tell a refusal from a failure.
 */
import { HubRpcError } from '../hub/types.js';

export const POLICY_DENIED = -32003;

export interface PolicyErrorData {
  reason: 'denied' | 'timeout' | 'invalid' | 'cancelled';
  decision: 'deny' | 'ask';
  rule: string;
  origin?: string;
  approvalId?: string;
  client: string;
  server: string;
  tool: string;
}

export function policyError(message: string, data: PolicyErrorData): HubRpcError {
  return new HubRpcError(POLICY_DENIED, message, data);
}
