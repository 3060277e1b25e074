import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import React, { lazy, Suspense } from 'react';

import type { AppSettings } from './api/pluginSettings.js';
import type { AppConfigProps } from './pages/AppConfig.js';

// Pages load on first use, so Grafana's start-up only pays for this entry (as create-plugin's template does).
const LazyApp = lazy(() => import('./components/App.js'));
const LazyAppConfig = lazy(() => import('./pages/AppConfig.js').then((m) => ({ default: m.AppConfig })));

function App(props: AppRootProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function AppConfig(props: AppConfigProps) {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyAppConfig {...props} />
    </Suspense>
  );
}

export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
