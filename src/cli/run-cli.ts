/** Dispatches `edoc-hub` arguments to the command table (the entry point is main.ts). */
import { commands, type CommandEntry } from './commands/index.js';
import type { CliIo } from './command.js';
import { isHubError } from '../shared/hub-error.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: edoc-hub <command> [options]',
    '',
    'Inter-agency e-document exchange hub (edXML, QCVN 102:2016).',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `edoc-hub <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** Finds the longest command name matching the start of argv (`certs init` before `certs`). */
function resolve(argv: string[]): { entry: CommandEntry; rest: string[] } | null {
  let best: { entry: CommandEntry; rest: string[] } | null = null;
  for (const entry of commands) {
    const words = entry.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.entry.name.split(' ').length)) {
      best = { entry, rest: argv.slice(words.length) };
    }
  }
  return best;
}

/** A bad command line (unknown option, missing value, wrong arguments): answered with the command's help and exit 2. */
function isUsageError(e: unknown): boolean {
  if (isHubError(e)) return e.code === 'cli.usage';
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(usage());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write('edoc-hub 0.1.0\n');
    return 0;
  }
  const found = resolve(argv);
  if (!found) {
    // A group word alone (`edoc-hub certs`) lists its sub-commands.
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length > 0) {
      io.stdout.write(`Commands under "${argv[0]}":\n${group.map((c) => `  ${c.name}  ${c.summary}`).join('\n')}\n`);
      return argv.includes('--help') ? 0 : 2;
    }
    io.stderr.write(`edoc-hub: unknown command "${argv[0]}"\n\n${usage()}`);
    return 2;
  }
  const cmd = await found.entry.load();
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout.write(cmd.help.endsWith('\n') ? cmd.help : `${cmd.help}\n`);
    return 0;
  }
  try {
    return await cmd.run(found.rest, io);
  } catch (e) {
    if (isUsageError(e)) {
      io.stderr.write(`edoc-hub ${found.entry.name}: ${(e as Error).message}\n\n${cmd.help.endsWith('\n') ? cmd.help : `${cmd.help}\n`}`);
      return 2;
    }
    if (isHubError(e)) {
      io.stderr.write(`edoc-hub ${found.entry.name}: ${e.message} [${e.code}]\n`);
      return 1;
    }
    throw e;
  }
}
