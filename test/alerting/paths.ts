import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository paths for the alerting tests. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ALERT_RULES_DIR = join(REPO, 'alert-rules');
export const RULES_FILE = join(ALERT_RULES_DIR, 'flowlens.rules.yml');
export const RUNBOOK_FILE = join(ALERT_RULES_DIR, 'RUNBOOK.md');
export const PROVISIONING_DIR = join(REPO, 'provisioning');
export const ALERTMANAGER_CONFIG = join(PROVISIONING_DIR, 'alertmanager/alertmanager.yml');
export const PROMETHEUS_CONFIG = join(PROVISIONING_DIR, 'prometheus/prometheus.yml');
export const AGENT_ENTRY = join(REPO, 'agent/src/index.ts');

export const exists = (path: string) => existsSync(path);
