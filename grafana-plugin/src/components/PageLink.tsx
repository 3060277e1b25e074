import { TextLink } from '@grafana/ui';
import React, { type ComponentPropsWithoutRef } from 'react';

import { useRefreshInterval } from '../domain/refresh.js';

/**
 * A link to a page of the app (or another view of this one), keeping the auto-refresh interval as the links keep the
 * time range: followed, it would otherwise turn auto-refresh off.
 */
export function PageLink({ href, ...props }: ComponentPropsWithoutRef<typeof TextLink>) {
  const [interval] = useRefreshInterval();
  const kept = interval ? `${href}${href.includes('?') ? '&' : '?'}${new URLSearchParams({ refresh: interval })}` : href;
  return <TextLink href={kept} {...props} />;
}
