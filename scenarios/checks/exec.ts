import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';

export interface ExecSpec extends CheckSpec {
  command: string;
  args?: string[];
  cwd?: string;
  exit_code?: number;
  stdout_contains?: string;
}

/** A command run in a copy of the final world tree exits as expected (e.g. the project's own tests). */
export const execCheck = defineCheck<ExecSpec>({
  kind: 'exec',
  async run(spec, ctx) {
    const want = spec.exit_code ?? 0;
    const line = [spec.command, ...(spec.args ?? [])].join(' ');
    const result = await ctx.exec(spec.command, spec.args ?? [], spec.cwd);
    const tail = (s: string): string => show(s.trim().split('\n').slice(-5).join('\n'), 300);
    if (result.exitCode !== want) {
      return fail(`\`${line}\` in ${spec.cwd ?? '/'} exited ${result.exitCode}, expected ${want}; stderr: ${tail(result.stderr)}; stdout: ${tail(result.stdout)}`);
    }
    if (spec.stdout_contains !== undefined && !result.stdout.includes(spec.stdout_contains)) {
      return fail(`\`${line}\` exited ${want} but its stdout lacks ${show(spec.stdout_contains)} (stdout: ${tail(result.stdout)})`);
    }
    return pass(`\`${line}\` in ${spec.cwd ?? '/'} exited ${want}`);
  },
});
