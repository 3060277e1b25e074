import type { AppPluginMeta, AppRootProps } from '@grafana/data';
import { render, screen } from '@testing-library/react';
import React from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';

import { App } from '../components/App.js';
import { PLUGIN_BASE_URL, PLUGIN_ID } from '../constants.js';

/** The URL the app shows, for tests that check filters and drill-downs land in the address bar. */
export const currentUrl = { value: '' };

function LocationProbe() {
  const location = useLocation();
  currentUrl.value = `${location.pathname}${location.search}`;
  return null;
}

/** Mounts the app's root page at `url` the way Grafana does: under /a/<id>/* in a router. */
export function renderApp(url: string) {
  const props = { meta: { id: PLUGIN_ID } as AppPluginMeta, basename: PLUGIN_BASE_URL } as AppRootProps;
  return render(
    <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <LocationProbe />
      <Routes>
        <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...props} />} />
      </Routes>
    </MemoryRouter>
  );
}

/** Where the links shown to the app's own pages lead, for tests of what those links carry. */
export const appLinks = () =>
  screen
    .getAllByRole('link')
    .map((a) => a.getAttribute('href')!)
    .filter((href) => href.startsWith(`${PLUGIN_BASE_URL}/`));
