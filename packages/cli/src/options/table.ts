/**
 * The option table of every command, as Markdown, from the program itself (so the CLI README
 * cannot drift from the code: a test compares them). Hidden options (the retired flags) are left out.
 */
import type { Command, Option } from 'commander';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function optionTable(program: Command): string {
  const rows: string[] = ['| command | option | meaning | default |', '|---|---|---|---|'];
  const walk = (cmd: Command, name: string): void => {
    const options = (cmd.options as readonly (Option & { hidden?: boolean })[]).filter((o) => !o.hidden && o.long !== '--help');
    for (const o of options) {
      const def = o.defaultValue === undefined || o.defaultValue === true ? '' : `\`${String(o.defaultValue)}\``;
      rows.push(`| ${name} | \`${cell(o.flags)}\` | ${cell(o.description)} | ${def} |`);
    }
    for (const sub of cmd.commands) walk(sub, `${name} ${sub.name()}`);
  };
  for (const cmd of program.commands) walk(cmd, cmd.name());
  return rows.join('\n');
}
