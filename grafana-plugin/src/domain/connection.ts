import { FlowLensError } from '../api/FlowLensError.js';

export interface ConnectionVerdict {
  ok: boolean;
  title: string;
  text: string;
}

/** Turns the outcome of `GET /readyz` through the proxy into what is wrong and what to change. */
export function describeConnection(agentUrl: string, error?: unknown): ConnectionVerdict {
  if (error === undefined) {
    return { ok: true, title: 'Connected', text: `The FlowLens agent at ${agentUrl} is ready.` };
  }
  const err = FlowLensError.from(error);
  const answer = `(HTTP ${err.status || 'no answer'}: ${err.detail})`;
  switch (err.kind) {
    case 'unreachable':
      return {
        ok: false,
        title: 'Agent unreachable',
        text: `Grafana's server could not reach ${agentUrl || 'the agent (no URL saved)'} ${answer}. Check that the agent is running and that this URL is reachable from the Grafana server, then save and test again.`,
      };
    case 'unauthorized':
      return {
        ok: false,
        title: 'API token refused',
        text: `The agent at ${agentUrl} rejected the API token ${answer}. Reset the token, enter the one the agent expects, and save.`,
      };
    case 'not_found':
      return {
        ok: false,
        title: 'Not a FlowLens agent',
        text: `Something answered at ${agentUrl} but has no /readyz ${answer}. Use the agent's API address (port 9470 by default), not its OTLP port.`,
      };
    default:
      return {
        ok: false,
        title: err.status === 503 ? 'Agent not ready' : 'Agent error',
        text: `The agent at ${agentUrl} answered but is not ready ${answer}. Its log says why.`,
      };
  }
}
