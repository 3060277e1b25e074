import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import React, { useState } from 'react';

import { savePluginSettings, type AppSettings } from '../api/pluginSettings.js';
import { checkReady } from '../api/resources.js';
import { describeConnection, type ConnectionVerdict } from '../domain/connection.js';
import { testIds } from '../testIds.js';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

/** Where the agent is and the token Grafana's proxy sends it; plus a check that both work. */
export function AppConfig({ plugin }: AppConfigProps) {
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [agentUrl, setAgentUrl] = useState(jsonData?.agentUrl ?? '');
  const [savedUrl, setSavedUrl] = useState(jsonData?.agentUrl ?? '');
  const [apiToken, setApiToken] = useState('');
  const [tokenConfigured, setTokenConfigured] = useState(Boolean(secureJsonFields?.apiToken));
  const [tokenChanged, setTokenChanged] = useState(false);
  const [saveResult, setSaveResult] = useState<{ ok: boolean; text: string }>();
  const [verdict, setVerdict] = useState<ConnectionVerdict>();
  const [busy, setBusy] = useState<'save' | 'test'>();
  const unsaved = agentUrl !== savedUrl || tokenChanged;

  const save = async () => {
    setBusy('save');
    setSaveResult(undefined);
    try {
      await savePluginSettings({
        enabled: enabled ?? true,
        pinned: pinned ?? true,
        jsonData: { ...jsonData, agentUrl: agentUrl.trim() },
        ...(tokenChanged ? { secureJsonData: { apiToken } } : {}),
      });
      setSavedUrl(agentUrl);
      if (tokenChanged) {
        setTokenConfigured(apiToken !== '');
        setApiToken('');
        setTokenChanged(false);
      }
      setSaveResult({ ok: true, text: 'Settings saved.' });
    } catch (err) {
      setSaveResult({ ok: false, text: `Saving failed: ${(err as Error).message}` });
    } finally {
      setBusy(undefined);
    }
  };

  const test = async () => {
    setBusy('test');
    setVerdict(undefined);
    try {
      await checkReady();
      setVerdict(describeConnection(savedUrl));
    } catch (err) {
      setVerdict(describeConnection(savedUrl, err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div data-testid={testIds.config.page}>
      <FieldSet label="FlowLens agent">
        <Field
          label="Agent URL"
          description="The agent's REST API as Grafana's server reaches it (browsers never call the agent directly)."
          htmlFor="flowlens-agent-url"
        >
          <Input
            id="flowlens-agent-url"
            data-testid={testIds.config.agentUrl}
            width={60}
            value={agentUrl}
            placeholder="http://flowlens-agent:9470"
            onChange={(e) => setAgentUrl(e.currentTarget.value)}
          />
        </Field>
        <Field label="API token" description="Sent by Grafana as a bearer token; leave empty if the agent has none." htmlFor="flowlens-api-token">
          <SecretInput
            id="flowlens-api-token"
            data-testid={testIds.config.apiToken}
            width={60}
            value={apiToken}
            isConfigured={tokenConfigured}
            placeholder="Agent API token"
            onChange={(e) => {
              setApiToken(e.currentTarget.value);
              setTokenChanged(true);
            }}
            onReset={() => {
              setTokenConfigured(false);
              setApiToken('');
              setTokenChanged(true);
            }}
          />
        </Field>
        <Stack gap={1}>
          <Button data-testid={testIds.config.save} onClick={save} disabled={busy !== undefined || !unsaved}>
            {busy === 'save' ? 'Saving…' : 'Save settings'}
          </Button>
          <Button data-testid={testIds.config.test} variant="secondary" onClick={test} disabled={busy !== undefined}>
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </Button>
        </Stack>
        {unsaved && <p style={{ marginTop: 8 }}>Unsaved changes: the connection test uses the saved settings.</p>}
        <div style={{ marginTop: 16 }}>
          {saveResult && <Alert severity={saveResult.ok ? 'success' : 'error'} title={saveResult.text} />}
          {verdict && (
            <div data-testid={testIds.config.testResult}>
              <Alert severity={verdict.ok ? 'success' : 'error'} title={verdict.title}>
                {verdict.text}
              </Alert>
            </div>
          )}
        </div>
      </FieldSet>
    </div>
  );
}
