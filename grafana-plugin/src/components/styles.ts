import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Table and section styles shared by the pages, from the current theme (light or dark). */
export const getPageStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.75, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  clickableRow: css({
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  linkButton: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.link,
    cursor: 'pointer',
    textAlign: 'left',
    '&:hover': { textDecoration: 'underline' },
  }),
  selectedRow: css({ background: theme.colors.action.selected }),
  section: css({ marginBottom: theme.spacing(3) }),
  // A drill-down (a finding, a run) set apart from the list it opened from.
  panel: css({
    marginTop: theme.spacing(2),
    marginBottom: theme.spacing(3),
    padding: theme.spacing(2),
    border: `1px solid ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    h4: { marginTop: theme.spacing(2) },
  }),
  toolbar: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'flex-end',
    marginBottom: theme.spacing(2),
  }),
  // Grafana's global styles drop list indentation; steps and checks read better numbered and indented.
  list: css({ paddingLeft: theme.spacing(3), margin: theme.spacing(0.5, 0, 1.5) }),
  muted: css({ color: theme.colors.text.secondary }),
  worse: css({ color: theme.colors.error.text }),
  /** A time or a run id in a table: kept on one line, where the error or title beside it wraps instead. */
  nowrap: css({ whiteSpace: 'nowrap' }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  shareBar: css({ height: 6, background: theme.colors.primary.main, borderRadius: theme.shape.radius.default }),
  failBar: css({ height: 6, background: theme.colors.error.main, borderRadius: theme.shape.radius.default }),
});
