import t from 'tap';
import { commands } from '../../src/cli/commands/index.js';
import { runCliInProcess } from '../helpers/run-cli.js';

t.test('every command loads and has a full --help', async (t) => {
  t.ok(commands.length >= 20);
  for (const entry of commands) {
    const cmd = await entry.load();
    t.equal(cmd.name, entry.name, `${entry.name}: the module is the command the table names`);
    t.match(cmd.help, new RegExp(`^Usage: edoc-hub ${entry.name}\\b`), `${entry.name}: help starts with its usage line`);
    t.ok(cmd.help.split('\n').length >= 3, `${entry.name}: help explains more than the usage line`);
  }
});

t.test('the dispatcher: --help per command, unknown commands, groups', async (t) => {
  const run = (args: string[]) => runCliInProcess(args);
  const help = await run(['agencies', 'set', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: edoc-hub agencies set/);
  const unknown = await run(['frobnicate']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown command "frobnicate"/);
  const group = await run(['certs']);
  t.equal(group.code, 2);
  t.match(group.stdout, /certs init/);
  t.equal((await run([])).code, 2, 'no command: usage and exit 2');
  for (const entry of commands) {
    const bad = await run([...entry.name.split(' '), '--no-such-option']);
    t.equal(bad.code, 2, `${entry.name}: an unknown option is a usage error`);
    t.match(bad.stderr, new RegExp(`^edoc-hub ${entry.name}: .*no-such-option[\\s\\S]*Usage: edoc-hub ${entry.name}`), `${entry.name}: says what is wrong, then the usage`);
    t.notMatch(bad.stderr, /\n\s+at /, `${entry.name}: no stack trace`);
  }
  const missing = await run(['send', 'file.xml', '--as']);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^edoc-hub send: Option '--as <value>' argument missing/);
  t.match((await run(['--version'])).stdout, /^edoc-hub \d/);
});
