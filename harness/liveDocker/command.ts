// command:local:Command: `create` runs at once, `delete` at teardown, as pulumi-command runs them.
import { spawn } from "child_process";
import { autoName, Inputs } from "./inputs";
import type { Handler } from "./types";

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

export const createCommand: Handler = async (ctx, { where, type, name, raw }) => {
    const inp = new Inputs(where, raw);
    const create = inp.str("create");
    const del = inp.str("delete");
    const env = { ...process.env, ...(inp.strMap("environment") ?? {}) };
    const dir = inp.str("dir") ?? ctx.cwd;
    const interpreter = inp.strs("interpreter") ?? ["/bin/sh", "-c"];
    const stdin = inp.str("stdin");
    const addPrevious = inp.bool("addPreviousOutputInEnv") ?? true;
    inp.harmless("triggers", "update", "logging");
    inp.finish();
    let stdout = "";
    let stderr = "";
    if (create !== undefined) {
        const res = await run([...interpreter, create], { cwd: dir, env, stdin });
        // pulumi-command trims one trailing newline from each stream.
        stdout = res.stdout.replace(/\n$/, "");
        stderr = res.stderr.replace(/\n$/, "");
        if (res.code !== 0) throw new Error(`${where}: create exited ${res.code}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    const id = autoName(name);
    ctx.record({ type, name, id }, async () => {
        if (del === undefined) return;
        const delEnv = addPrevious ? { ...env, PULUMI_COMMAND_STDOUT: stdout, PULUMI_COMMAND_STDERR: stderr } : env;
        const res = await run([...interpreter, del], { cwd: dir, env: delEnv, stdin });
        if (res.code !== 0) throw new Error(`${where}: delete exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    });
    return { id, state: { ...raw, stdout, stderr } };
};
