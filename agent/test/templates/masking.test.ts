import { describe, expect, it } from 'vitest';
import { DEFAULT_MASK_RULES, createMasker } from '../../src/analyse/templates/index.js';
import { render } from '../../src/analyse/templates/masking.js';

const mask = createMasker();
/** The masked message as template text. */
const masked = (message: string) => render(mask(message));

describe('masking', () => {
  it.each([
    ['url', 'GET https://api.github.com/repos/o/r/actions?page=2 returned 502', 'GET <*> returned <*>'],
    ['uuid', 'run 7f3a2c1e-1b2c-4d5e-8f90-123456789abc queued', 'run <*> queued'],
    ['timestamp', 'started at 2024-05-01T12:00:03.123Z and 2024-05-01 12:00:04', 'started at <*> and <*>'],
    ['date', 'connection from 222.33.90.199 at Sat Jul  9 22:53:19 2005', 'connection from <*> at <*>'],
    ['RFC 1123 date', 'Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT', 'Last-Modified: <*>'],
    ['mac', 'DHCPDISCOVER from 00:11:43:e3:ba:c3 via eth1', 'DHCPDISCOVER from <*> via eth1'],
    ['ip', 'Did not receive identification string from 123.235.32.19', 'Did not receive identification string from <*>'],
    ['ip with port', 'connect to 10.0.0.12:5432 refused', 'connect to <*> refused'],
    ['host:port', 'proxy.cse.cuhk.edu.hk:5070 open through proxy localhost:8080', '<*> open through proxy <*>'],
    ['unix path', 'Deleting instance files /var/lib/nova/instances/b9000564_del', 'Deleting instance files <*>'],
    ['windows path', 'Loaded C:\\Windows\\winsxs\\cbscore.dll ok', 'Loaded <*> ok'],
    ['hex', 'exited with 0xC0000005', 'exited with <*>'],
    ['size', 'wrote 18846 bytes (18.4 KB) and 5.2 MB', 'wrote <*> and <*>'],
    ['duration', 'timeout after 3000ms, retry in 1.5 s, lifetime <1 sec', 'timeout after <*>, retry in <*>, lifetime <*>'],
    ['time', 'lifetime 00:02 at 12:01:02', 'lifetime <*> at <*>'],
    ['id', 'AppWindowToken{9f4ef63 token=x}', 'AppWindowToken{<*> token=x}'],
    ['number', 'Took 19.05 seconds for 3 items (HWID=1973), auto=-1', 'Took <*> for <*> items (HWID=<*>), auto=<*>'],
  ])('%s', (_rule, message, expected) => {
    expect(masked(message)).toBe(expected);
  });

  it('masks whole tokens that still hold digits, but not names with one trailing digit', () => {
    expect(masked('blk_-1727475099218615100 blk_38865 node-12 t761 on eth1 via SOCKS5 ssh2')).toBe(
      '<*> <*> <*> <*> on eth1 via SOCKS5 ssh2',
    );
  });

  it('keeps a key=value token whole when its key is itself an id', () => {
    expect(masked('fpr29=0xffffffff eth1=up lr=0x1')).toBe('<*> eth1=up lr=<*>');
  });

  it('splits key=value pairs so each value has a position of its own', () => {
    expect(mask('uid=0 euid=0 tty=ssh ruser= rhost=host.example.com')).toEqual([
      'uid=\u2060',
      '<*>',
      'euid=\u2060',
      '<*>',
      'tty=\u2060',
      'ssh',
      'ruser=',
      'rhost=\u2060',
      'host.example.com',
    ]);
  });

  it('joins placeholders separated by punctuation into one, keeping the punctuation around them', () => {
    expect(masked('from 10.0.0.1,10.0.0.2 to [10.0.0.3] (12.5 MB),')).toBe('from <*> to [<*>] (<*>),');
  });

  it('leaves lines without values alone and applies rules in their order', () => {
    expect(masked('  Registered   BlockManager ')).toBe('Registered BlockManager');
    expect(DEFAULT_MASK_RULES.map((r) => r.name)).toEqual([
      'url', 'uuid', 'timestamp', 'date', 'mac', 'ip', 'hostport', 'path', 'hex', 'size', 'duration', 'time', 'id', 'number',
    ]);
  });

  it('takes custom rules', () => {
    const custom = createMasker([{ name: 'ticket', pattern: '\\bJIRA-[A-Z]+\\b' }]);
    expect(render(custom('see JIRA-ABC now, key=value'))).toBe('see <*> now, key=value');
  });
});
