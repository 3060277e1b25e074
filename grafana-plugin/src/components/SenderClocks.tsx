import { Alert, useStyles2 } from '@grafana/ui';
import React from 'react';

import { listSenders } from '../api/resources.js';
import { describeClock } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { testIds } from '../testIds.js';
import { getPageStyles } from './styles.js';

/** Senders listed at most: the agent sends the furthest off first, and a long list would push the page down. */
const LISTED = 5;

/**
 * Senders whose clock is off from the agent's: runs from one ahead are analysed only once the agent's clock reaches
 * them; running runs from one late can be reported hung, and its findings come late.
 */
export function SenderClocks() {
  const styles = useStyles2(getPageStyles);
  // Errors stay silent: an agent older than the plugin answers 404, and this is a hint beside the page, not its content.
  const query = useQuery((signal) => listSenders(signal), []);
  const off = query.data?.items.filter((s) => s.clock !== 'ok') ?? [];
  if (off.length === 0) {
    return null;
  }
  const one = off.length === 1;
  return (
    <Alert
      severity="warning"
      title={one ? 'A sender’s clock is off' : 'Senders’ clocks are off'}
      data-testid={testIds.overview.senderClocks}
    >
      <ul className={styles.list}>
        {off.slice(0, LISTED).map((s) => (
          <li key={`${s.service}\u0000${s.host}`}>
            <strong>{s.service}</strong>
            {s.host && ` on ${s.host}`}: {describeClock(s)}
          </li>
        ))}
        {off.length > LISTED && <li>and {(off.length - LISTED).toLocaleString('en')} more</li>}
      </ul>
      <p>
        Runs from a sender ahead are listed and analysed only once the agent’s clock reaches them; running runs from
        a late one can be reported hung.
      </p>
      {one ? 'Synchronise the sender’s clock' : 'Synchronise the senders’ clocks'} (NTP/chrony); a backfill or a queued
      pipeline also arrives late.
    </Alert>
  );
}
