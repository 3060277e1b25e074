/**
 * The workflow's page in the FlowLens app of the Grafana users reach at `grafanaUrl`, as alerts link it; in the
 * Grafana organisation `orgId` when given (the app shows the tenant of the token in that organisation's settings).
 */
export function appWorkflowUrl(grafanaUrl: string, workflow: string, orgId?: number): string {
  const page = `${grafanaUrl.replace(/\/+$/, '')}/a/flowlens-workflows-app/workflow/${encodeURIComponent(workflow)}`;
  return orgId === undefined ? page : `${page}?orgId=${orgId}`;
}
