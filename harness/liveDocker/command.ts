// command:local:Command: `create` runs at once, `update` (or `create` again) on an update, `delete`
// at its removal, as pulumi-command runs them.
import { spawn } from "child_process";
import { autoName, Inputs } from "./inputs";
import type { BackendContext, Handler } from "./types";

interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

function run(argv: string[], opts: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: string }): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), {
            cwd: opts.cwd,
            env: opts.env,
            stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        if (child.stdin) {
            child.stdin.on("error", () => undefined); // EPIPE: the command didn't read its stdin
            child.stdin.end(opts.stdin);
        }
    });
}

/** A command's inputs, read strictly. */
interface CommandSpec {
    create?: string;
    update?: string;
    del?: string;
    env: NodeJS.ProcessEnv;
    dir: string;
    interpreter: string[];
    stdin?: string;
    addPrevious: boolean;
}

function readCommand(where: string, raw: Record<string, unknown>, cwd: string): CommandSpec {
    const inp = new Inputs(where, raw);
    const spec = {
        create: inp.str("create"),
        update: inp.str("update"),
        del: inp.str("delete"),
        env: { ...process.env, ...(inp.strMap("environment") ?? {}) },
        dir: inp.str("dir") ?? cwd,
        interpreter: inp.strs("interpreter") ?? ["/bin/sh", "-c"],
        stdin: inp.str("stdin"),
        addPrevious: inp.bool("addPreviousOutputInEnv") ?? true,
    };
    inp.harmless("triggers", "logging");
    inp.finish();
    return spec;
}

/** Outputs of the last run of a script. */
interface Outs {
    stdout: string;
    stderr: string;
}

/** Runs one script of the command; with addPreviousOutputInEnv, the previous outputs are in its environment. */
async function runScript(where: string, spec: CommandSpec, op: string, script: string, prev?: Outs): Promise<Outs> {
    const env =
        prev && spec.addPrevious ? { ...spec.env, PULUMI_COMMAND_STDOUT: prev.stdout, PULUMI_COMMAND_STDERR: prev.stderr } : spec.env;
    const res = await run([...spec.interpreter, script], { cwd: spec.dir, env, stdin: spec.stdin });
    // pulumi-command trims one trailing newline from each stream.
    const outs = { stdout: res.stdout.replace(/\n$/, ""), stderr: res.stderr.replace(/\n$/, "") };
    if (res.code !== 0) throw new Error(`${where}: ${op} exited ${res.code}\nstdout: ${outs.stdout}\nstderr: ${outs.stderr}`);
    return outs;
}

/** The removal: `delete` if set, with the last outputs. */
function undoOf(where: string, spec: CommandSpec, outs: Outs): () => Promise<void> {
    return async () => {
        if (spec.del !== undefined) await runScript(where, spec, "delete", spec.del, outs);
    };
}

export const createCommand: Handler = async (ctx, { where, type, name, raw }) => {
    const spec = readCommand(where, raw, ctx.cwd);
    const outs = spec.create === undefined ? { stdout: "", stderr: "" } : await runScript(where, spec, "create", spec.create);
    const id = autoName(name);
    ctx.record({ type, name, id }, undoOf(where, spec, outs));
    return { id, state: { ...raw, ...outs } };
};

/**
 * An in-place update: runs `update` if set, otherwise `create` again; neither set, nothing
 * (pulumi/pulumi-command local/commandController.go:79-88; v0.6.0 command.go:82-93).
 */
export async function updateCommand(
    ctx: BackendContext,
    where: string,
    raw: Record<string, unknown>,
    olds: Record<string, unknown>,
): Promise<{ state: Record<string, unknown>; undo: () => Promise<void> }> {
    const spec = readCommand(where, raw, ctx.cwd);
    const prev = { stdout: String(olds.stdout ?? ""), stderr: String(olds.stderr ?? "") };
    const script = spec.update ?? spec.create;
    const outs = script === undefined ? prev : await runScript(where, spec, "update", script, prev);
    return { state: { ...raw, ...outs }, undo: undoOf(where, spec, outs) };
}
