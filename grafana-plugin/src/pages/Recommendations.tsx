import { PluginPage } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { listRecommendations } from '../api/resources.js';
import { AdviceSource } from '../components/AdviceSource.js';
import { StateBadge } from '../components/Badges.js';
import { AllHealthy } from '../components/EmptyStates.js';
import { InlineCode } from '../components/InlineCode.js';
import { PageLink } from '../components/PageLink.js';
import { QueryView } from '../components/QueryView.js';
import { RefreshControl } from '../components/RefreshControl.js';
import { getPageStyles } from '../components/styles.js';
import { findingUrl, workflowUrl } from '../constants.js';
import { groupRecommendations, humanize, mergeRepeats } from '../domain/format.js';
import { useQuery } from '../domain/useQuery.js';
import { testIds } from '../testIds.js';
import { StepList } from '../components/StepList.js';

/** What to do, per workflow, the highest impact first. */
export function Recommendations() {
  const styles = useStyles2(getPageStyles);
  const query = useQuery((signal) => listRecommendations(undefined, signal), []);
  return (
    <PluginPage subTitle="What to change, grouped by workflow and impact">
      <div data-testid={testIds.recommendations.page}>
        <div className={styles.toolbar}>
          <RefreshControl />
        </div>
        <QueryView
          query={query}
          isEmpty={(d) => d.items.length === 0}
          empty={<AllHealthy what="No open finding needs action, so there is nothing to recommend." />}
        >
          {(data) =>
            groupRecommendations(mergeRepeats(data.items)).map((group) => (
              <section key={group.workflow} className={styles.section} data-testid={testIds.recommendations.group(group.workflow)}>
                <h3>
                  <PageLink href={workflowUrl(group.workflow)} inline={false} variant="h3">
                    {group.workflow}
                  </PageLink>
                </h3>
                {group.byImpact.map(({ impact, items }) => (
                  <div key={impact}>
                    <h5>{humanize(impact)} impact</h5>
                    {items.map((r) => (
                      <div key={`${r.findingId}-${r.title}`} className={styles.section}>
                        <StateBadge value={r.severity} /> <StateBadge value="info" text={humanize(r.category)} />{' '}
                        <strong>
                          <InlineCode text={r.title} />
                        </strong>{' '}
                        {r.findingIds.map((id) => (
                          <React.Fragment key={id}>
                            <PageLink href={findingUrl(id)} inline>
                              finding
                            </PageLink>{' '}
                          </React.Fragment>
                        ))}
                        <AdviceSource advice={r} workflow={group.workflow} />
                        <StepList steps={r.steps} />
                      </div>
                    ))}
                  </div>
                ))}
              </section>
            ))
          }
        </QueryView>
      </div>
    </PluginPage>
  );
}
