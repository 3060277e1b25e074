import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;
/** The plugin.json proxy route `api`: Grafana's server forwards to the agent URL and adds the API token. */
export const PROXY_BASE_URL = `api/plugin-proxy/${PLUGIN_ID}/api`;

export const ROUTES = {
  Overview: 'overview',
  Workflow: 'workflow',
  Findings: 'findings',
  Recommendations: 'recommendations',
} as const;

export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}

/** The page alert rules link to; keep it stable. */
export function workflowUrl(name: string, search = ''): string {
  return `${prefixRoute(ROUTES.Workflow)}/${encodeURIComponent(name)}${search}`;
}

/** The Findings page with one finding open: the link to a finding wherever the app names one. */
export function findingUrl(id: string): string {
  return `${prefixRoute(ROUTES.Findings)}?finding=${encodeURIComponent(id)}`;
}
