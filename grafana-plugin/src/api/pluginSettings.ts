import { PLUGIN_ID } from '../constants.js';
import { FlowLensClient } from './FlowLensClient.js';

/** What the configuration page stores in Grafana; the proxy route reads `agentUrl` and `apiToken` from it. */
export interface AppSettings {
  agentUrl?: string;
}

export interface SettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  /** Only when the token changed: Grafana keeps the stored secret when this is absent. */
  secureJsonData?: { apiToken: string };
}

const grafana = new FlowLensClient(`api/plugins/${PLUGIN_ID}`);

export function savePluginSettings(update: SettingsUpdate) {
  return grafana.request<unknown>('/settings', { method: 'POST', body: update });
}
