// A sentinel that answers as told: GET-MASTER-ADDR-BY-NAME with the address the test sets, every
// other command with OK (a refusal for FAILOVER). It stands for a sentinel that has not yet heard
// of a failover, which a real one is only for as long as a hello takes.
import * as net from "net";

/** Commands of a RESP2 request buffer: each an array of bulk strings; the rest stays buffered. */
function parseCommands(buf: Buffer): { commands: string[][]; rest: Buffer } {
    const commands: string[][] = [];
    let at = 0;
    for (;;) {
        const start = at;
        const line = (from: number): [string, number] | undefined => {
            const end = buf.indexOf("\r\n", from);
            return end < 0 ? undefined : [buf.subarray(from, end).toString(), end + 2];
        };
        const head = line(at);
        if (!head || !head[0].startsWith("*")) return { commands, rest: buf.subarray(start) };
        const args: string[] = [];
        let pos = head[1];
        for (let i = 0; i < Number(head[0].slice(1)); i++) {
            const len = line(pos);
            if (!len || buf.length < len[1] + Number(len[0].slice(1)) + 2) return { commands, rest: buf.subarray(start) };
            args.push(buf.subarray(len[1], len[1] + Number(len[0].slice(1))).toString());
            pos = len[1] + Number(len[0].slice(1)) + 2;
        }
        commands.push(args);
        at = pos;
    }
}

export class FakeSentinel {
    /** The address GET-MASTER-ADDR-BY-NAME names, ip:port. */
    names: string;
    /** How many times it was asked for the master's address. */
    asked = 0;
    private readonly server: net.Server;
    private readonly sockets = new Set<net.Socket>();

    private constructor(names: string) {
        this.names = names;
        this.server = net.createServer((socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
            let pending: Buffer = Buffer.alloc(0);
            socket.on("data", (chunk) => {
                const { commands, rest } = parseCommands(Buffer.concat([pending, chunk]));
                pending = rest;
                for (const args of commands) socket.write(this.reply(args));
            });
        });
    }

    static async start(names: string): Promise<FakeSentinel> {
        const fake = new FakeSentinel(names);
        await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
        return fake;
    }

    get endpoint(): string {
        return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    }

    private reply(args: string[]): string {
        const [cmd, sub] = args.map((a) => a.toUpperCase());
        if (cmd === "PING") return "+PONG\r\n";
        if (cmd === "SENTINEL" && sub === "GET-MASTER-ADDR-BY-NAME") {
            this.asked++;
            const [ip, port] = [this.names.slice(0, this.names.lastIndexOf(":")), this.names.slice(this.names.lastIndexOf(":") + 1)];
            return `*2\r\n$${ip.length}\r\n${ip}\r\n$${port.length}\r\n${port}\r\n`;
        }
        if (cmd === "SENTINEL" && sub === "FAILOVER") return "-ERR a fake sentinel leads no failover\r\n";
        return "+OK\r\n";
    }

    async stop(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise((resolve) => this.server.close(resolve));
    }
}
