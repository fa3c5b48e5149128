// Short jobs on a group's Docker engine for the dynamic providers of backup and restore: a command
// in a running container (exec), and a one-off container of the group's image that is always
// removed. Serialized with those providers (see docs/development.md#serialized-providers):
// modules are required inside the functions.
import type Docker from "dockerode";
import { dockerEngine } from "./dockerEngine";
import { errorMessage } from "./redisOps/messages";

/** How a command ended: its exit code and what it printed (stdout and stderr apart). */
export interface RunResult {
    exitCode: number;
    stdout: string;
    stderr: string;
}

/** A one-off container: what it runs, as whom, what it mounts, and files put in before it starts. */
export interface OneOffSpec {
    image: string;
    cmd: string[];
    /** "uid:gid". */
    user: string;
    /** Docker binds, "source:target". */
    binds: string[];
    labels: Record<string, string>;
    /** A tar stream or buffer extracted at `filesAt` before the start. */
    files?: NodeJS.ReadableStream | Buffer;
    filesAt?: string;
    /** Before the start: may look into the created container (e.g. infoArchive) and throw. */
    beforeStart?: (container: Docker.Container) => Promise<void>;
    timeoutMs: number;
}

/** stdout and stderr of a non-TTY stream apart, as Docker multiplexes them. */
function collect(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PassThrough } = require("stream") as typeof import("stream");
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const o = new PassThrough().on("data", (b: Buffer) => out.push(b));
    const e = new PassThrough().on("data", (b: Buffer) => err.push(b));
    docker.modem.demuxStream(stream, o, e);
    return new Promise((resolve, reject) => {
        stream.on("end", () => resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
        stream.on("error", reject);
    });
}

/** Rejects after ms with what was running. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs cmd in a running container (as its own user) and waits for it to end. */
export async function execIn(dockerHost: string | undefined, container: string, cmd: string[], timeoutMs: number): Promise<RunResult> {
    const docker = dockerEngine(dockerHost);
    const exec = await docker.getContainer(container).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const { stdout, stderr } = await within(timeoutMs, `${cmd.join(" ")} in ${container}`, collect(docker, stream));
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, stdout, stderr };
}

/** Runs a one-off container to its end and removes it, whatever happens. */
export async function runOnce(dockerHost: string | undefined, spec: OneOffSpec): Promise<RunResult> {
    const docker = dockerEngine(dockerHost);
    const container = await docker.createContainer({
        Image: spec.image,
        Cmd: spec.cmd,
        User: spec.user,
        Entrypoint: [],
        Labels: spec.labels,
        HostConfig: { Binds: spec.binds, NetworkMode: "none" },
    });
    try {
        if (spec.beforeStart) await spec.beforeStart(container);
        if (spec.files) await container.putArchive(spec.files, { path: spec.filesAt ?? "/" });
        await container.start();
        const ended = (await within(spec.timeoutMs, `${spec.cmd.join(" ")} in a one-off container`, container.wait())) as {
            StatusCode: number;
        };
        const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
        const { stdout, stderr } = demuxBuffer(logs);
        return { exitCode: ended.StatusCode, stdout, stderr };
    } finally {
        await container.remove({ force: true, v: false }).catch(() => undefined);
    }
}

/**
 * What a container is doing, for an error message: its state, and the last lines of its log. Never
 * throws: a container that cannot be read says so.
 */
export async function containerSummary(dockerHost: string | undefined, name: string, lines = 5): Promise<string> {
    try {
        const container = dockerEngine(dockerHost).getContainer(name);
        const { State, RestartCount } = await container.inspect();
        const logs = (await container.logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
        const { stdout, stderr } = demuxBuffer(logs);
        const tail = `${stdout}${stderr}`
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== "");
        const state = `${State.Status}${State.Running ? "" : ` (exit code ${State.ExitCode})`}, restarted ${RestartCount} times`;
        return `container ${state}; its log ends: ${tail.join(" | ") || "(empty)"}`;
    } catch (err) {
        return `container unreadable: ${errorMessage(err)}`;
    }
}

/** A multiplexed log buffer (8-byte frame headers: stream, 0, 0, 0, size) as stdout and stderr. */
function demuxBuffer(buf: Buffer): { stdout: string; stderr: string } {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let at = 0;
    while (at + 8 <= buf.length) {
        const size = buf.readUInt32BE(at + 4);
        const frame = buf.subarray(at + 8, at + 8 + size);
        (buf[at] === 2 ? err : out).push(frame);
        at += 8 + size;
    }
    return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** The last non-empty line of a command's output: what a failure message quotes. */
export function lastLine(text: string): string {
    const lines = text.split("\n").map((l) => l.trim());
    return lines.filter((l) => l !== "").pop() ?? "";
}
