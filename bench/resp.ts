// A minimal RESP2 client for the bench's observers: one socket, pipelined commands, no retries
// and no queueing while disconnected, so a poll costs one round trip and its timing is ours.
import * as net from "net";

export type RespValue = string | number | null | RespValue[];

/** An error reply (-ERR ...). */
export class RespError extends Error {}

interface Pending {
    resolve: (v: RespValue) => void;
    reject: (e: Error) => void;
}

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, at: number): { value: RespValue | RespError; next: number } | undefined {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const line = buf.toString("utf8", at + 1, eol);
    switch (buf[at]) {
        case 0x2b: // +
            return { value: line, next: eol + 2 };
        case 0x2d: // -
            return { value: new RespError(line), next: eol + 2 };
        case 0x3a: // :
            return { value: Number(line), next: eol + 2 };
        case 0x24: {
            // $
            const len = Number(line);
            if (len < 0) return { value: null, next: eol + 2 };
            if (buf.length < eol + 2 + len + 2) return undefined;
            return { value: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
        }
        case 0x2a: {
            // *
            const n = Number(line);
            if (n < 0) return { value: null, next: eol + 2 };
            const items: RespValue[] = [];
            let next = eol + 2;
            for (let i = 0; i < n; i++) {
                const r = parseReply(buf, next);
                if (!r) return undefined;
                items.push(r.value instanceof RespError ? r.value.message : r.value);
                next = r.next;
            }
            return { value: items, next };
        }
        default:
            throw new Error(`RESP: unexpected type byte ${buf[at]}`);
    }
}

export class RespClient {
    private buf: Buffer = Buffer.alloc(0);
    private readonly pending: Pending[] = [];
    private dead: Error | undefined;

    private constructor(private readonly socket: net.Socket) {
        socket.setNoDelay(true);
        socket.on("data", (chunk: Buffer) => this.onData(chunk));
        socket.on("error", (err) => this.fail(err));
        socket.on("close", () => this.fail(new Error("connection closed")));
    }

    /** Connects to host:port within timeoutMs. */
    static connect(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<RespClient> {
        return new Promise((resolve, reject) => {
            const socket = net.connect({ host, port });
            const timer = setTimeout(() => {
                socket.destroy();
                reject(new Error(`connect ${host}:${port}: timeout`));
            }, timeoutMs);
            socket.once("connect", () => {
                clearTimeout(timer);
                resolve(new RespClient(socket));
            });
            socket.once("error", (err) => {
                clearTimeout(timer);
                socket.destroy();
                reject(err);
            });
        });
    }

    /** Sends one command; resolves with its reply, rejects on an error reply or a dead connection. */
    command(...args: (string | number)[]): Promise<RespValue> {
        if (this.dead) return Promise.reject(this.dead);
        const parts = [`*${args.length}\r\n`];
        for (const a of args) {
            const s = String(a);
            parts.push(`$${Buffer.byteLength(s)}\r\n${s}\r\n`);
        }
        return new Promise((resolve, reject) => {
            this.pending.push({ resolve, reject });
            this.socket.write(parts.join(""));
        });
    }

    /** INFO <section>, as text. */
    async info(section: string): Promise<string> {
        const v = await this.command("INFO", section);
        if (typeof v !== "string") throw new Error(`INFO ${section}: unexpected reply ${JSON.stringify(v)}`);
        return v;
    }

    get alive(): boolean {
        return this.dead === undefined;
    }

    close(): void {
        this.fail(new Error("closed"));
        this.socket.destroy();
    }

    private onData(chunk: Buffer): void {
        this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
        let at = 0;
        for (;;) {
            if (at >= this.buf.length) break;
            const r = parseReply(this.buf, at);
            if (!r) break;
            at = r.next;
            const p = this.pending.shift();
            if (!p) continue;
            if (r.value instanceof RespError) p.reject(r.value);
            else p.resolve(r.value);
        }
        this.buf = this.buf.subarray(at);
    }

    private fail(err: Error): void {
        this.dead ??= err;
        for (const p of this.pending.splice(0)) p.reject(this.dead);
    }
}

/** Connects and authenticates. */
export async function connectAuthed(port: number, password: string, timeoutMs = 500): Promise<RespClient> {
    const c = await RespClient.connect(port, "127.0.0.1", timeoutMs);
    try {
        await c.command("AUTH", password);
    } catch (err) {
        c.close();
        throw err;
    }
    return c;
}

/** INFO text as field -> value. */
export function parseInfo(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return out;
}
