import type { AppRootProps } from '@grafana/data';
import React from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';

import { ROUTES } from '../constants.js';
import { Findings } from '../pages/Findings.js';
import { Overview } from '../pages/Overview.js';
import { Recommendations } from '../pages/Recommendations.js';
import { Workflow } from '../pages/Workflow.js';
import { AutoRefresh } from './AutoRefresh.js';

/** The app's routes, relative to /a/flowlens-workflows-app where Grafana mounts the root page. */
export function App(_props: AppRootProps) {
  return (
    <AutoRefresh>
      <Routes>
        <Route path={ROUTES.Overview} element={<Overview />} />
        <Route path={`${ROUTES.Workflow}/:name`} element={<Workflow />} />
        <Route path={ROUTES.Findings} element={<Findings />} />
        <Route path={ROUTES.Recommendations} element={<Recommendations />} />
        <Route path="*" element={<Navigate to={ROUTES.Overview} replace />} />
      </Routes>
    </AutoRefresh>
  );
}

export default App;
