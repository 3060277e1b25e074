/**
 * The stand-in for Grafana's front end: provides the shared packages, theme and runtime services Grafana gives an
 * app plugin, loads the built plugin's module.js through an AMD loader, and mounts its root page under
 * /a/<id>/ and its configuration page under /plugins/<id>, as Grafana does.
 */
import { createTheme, setTimeZoneResolver, ThemeContext, type AppPlugin, type AppPluginMeta, type AppRootProps } from '@grafana/data';
import * as EmotionCssNs from '@emotion/css';
import * as EmotionReactNs from '@emotion/react';
import * as GrafanaDataNs from '@grafana/data';
import * as GrafanaRuntimeNs from '@grafana/runtime';
import { config, setBackendSrv, type BackendSrv, type PluginPageProps } from '@grafana/runtime';
// Grafana sets its page chrome through this internal setter; the package does not export it, so the host build
// aliases the module file (see buildHost.ts).
import { setPluginPage } from '@grafana/runtime-internal-plugin-page';
import * as GrafanaUiNs from '@grafana/ui';
import { GlobalStyles } from '@grafana/ui';
import * as I18nextNs from 'i18next';
import * as LodashNs from 'lodash';
import * as MomentNs from 'moment';
import * as ReactNs from 'react';
import React, { useEffect } from 'react';
import * as ReactDomNs from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as JsxRuntimeNs from 'react/jsx-runtime';
import * as ReactRouterNs from 'react-router';
import { BrowserRouter, NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import * as RxjsNs from 'rxjs';

import { loadAmdModule } from './amdLoader.js';
import { createBackendSrv } from './backendSrv.js';

// Grafana's sharedDependencies: the plugin must get these very instances (one React, one router context, the
// runtime whose services the host sets). Namespace imports, so ES and CommonJS packages both arrive as the
// plugin's webpack interop expects.
const shared: Record<string, unknown> = {
  react: ReactNs,
  'react-dom': ReactDomNs,
  'react/jsx-runtime': JsxRuntimeNs,
  'react-router': ReactRouterNs,
  rxjs: RxjsNs,
  lodash: LodashNs,
  moment: MomentNs,
  '@emotion/css': EmotionCssNs,
  '@emotion/react': EmotionReactNs,
  i18next: I18nextNs,
  '@grafana/data': GrafanaDataNs,
  '@grafana/ui': GrafanaUiNs,
  '@grafana/runtime': GrafanaRuntimeNs,
};

const PLUGIN_ID = 'flowlens-workflows-app';

function HostPluginPage({ pageNav, subTitle, children }: PluginPageProps) {
  return (
    <main style={{ padding: 16 }}>
      <h1>{pageNav?.text ?? 'FlowLens'}</h1>
      {subTitle && <div style={{ marginBottom: 16 }}>{subTitle}</div>}
      {children}
    </main>
  );
}

/** Grafana turns clicks on in-app links into router navigation instead of page loads; so does the host. */
function LinkInterceptor() {
  const navigate = useNavigate();
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const anchor = (event.target as Element).closest('a');
      if (!anchor || anchor.target === '_blank' || event.defaultPrevented || event.button !== 0) {
        return;
      }
      const url = new URL(anchor.href, document.baseURI);
      if (url.origin === location.origin) {
        event.preventDefault();
        navigate(`${url.pathname}${url.search}`);
      }
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, [navigate]);
  return null;
}

function HostNav({ meta }: { meta: AppPluginMeta }) {
  const pages = (meta.includes ?? []).filter((p) => p.addToNav && p.path);
  return (
    <nav style={{ display: 'flex', gap: 16, padding: '8px 16px' }}>
      {pages.map((p) => (
        <NavLink key={p.path} to={p.path!}>
          {p.name}
        </NavLink>
      ))}
    </nav>
  );
}

async function main() {
  const params = new URLSearchParams(location.search);
  const mode = params.get('theme') === 'light' ? 'light' : 'dark';
  const theme = createTheme({ colors: { mode } });
  config.theme2 = theme;
  config.bootData.user.lightTheme = mode === 'light';
  // A `timezone` parameter stands for another user's preference in the boot data; Grafana resolves every time's
  // zone from the boot data's, as set here at its startup.
  config.bootData.user.timezone = params.get('timezone') ?? config.bootData.user.timezone;
  setTimeZoneResolver(() => config.bootData.user.timezone);
  setBackendSrv(createBackendSrv() as unknown as BackendSrv);
  setPluginPage(HostPluginPage);

  const meta = (await (await fetch(`/api/plugins/${PLUGIN_ID}/settings`)).json()) as AppPluginMeta;
  const exports = await loadAmdModule(`public/plugins/${PLUGIN_ID}/module.js`, shared);
  const plugin = exports.plugin as AppPlugin;
  plugin.meta = meta;
  plugin.init(meta);
  const Root = plugin.root as React.ComponentType<AppRootProps>;
  const ConfigBody = plugin.configPages![0]!.body;

  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <LinkInterceptor />
        <HostNav meta={meta} />
        <Routes>
          <Route
            path={`/a/${PLUGIN_ID}/*`}
            element={<Root meta={meta} basename={`/a/${PLUGIN_ID}`} path={`/a/${PLUGIN_ID}`} query={{}} onNavChanged={() => {}} />}
          />
          <Route
            path={`/plugins/${PLUGIN_ID}`}
            element={
              <HostPluginPage pageNav={{ text: 'FlowLens configuration' }}>
                <ConfigBody plugin={plugin} query={{}} />
              </HostPluginPage>
            }
          />
        </Routes>
      </BrowserRouter>
    </ThemeContext.Provider>
  );
  document.body.dataset.hostReady = 'true';
}

main().catch((err: Error) => {
  document.body.dataset.hostError = err.stack ?? err.message;
  throw err;
});
