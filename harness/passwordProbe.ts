// A client that authenticates anew for every command, for the password-rotation tests and bench:
// round-robin over endpoints, each command on a fresh connection with the probe's current
// password, which the caller switches right after the `up`. It counts what failed and why.
// Every loop is bounded by stop().
import { connect } from "./redisClient";

/** One endpoint and the command to run there (a write on a data node, a question to a sentinel). */
export interface ProbeTarget {
    port: number;
    command: string[];
}

export class PasswordProbe {
    /** The password each new connection authenticates with. */
    password: string;
    ok = 0;
    readonly errors: Record<string, number> = {};
    private probing = true;
    private readonly loop: Promise<void>;

    constructor(
        private readonly targets: ProbeTarget[],
        password: string,
    ) {
        this.password = password;
        this.loop = this.run();
    }

    private async run(): Promise<void> {
        for (let i = 0; this.probing; i++) {
            const target = this.targets[i % this.targets.length]!;
            const password = this.password;
            try {
                const c = await connect(target.port, password, { connectTimeout: 2000, commandTimeout: 2000 });
                try {
                    await c.call(target.command[0]!, ...target.command.slice(1).map((a) => a.replace("{i}", String(i))));
                } finally {
                    c.disconnect();
                }
                this.ok++;
            } catch (err) {
                const msg = `${target.port}: ${(err as Error).message}`.split(password).join("<password>");
                this.errors[msg] = (this.errors[msg] ?? 0) + 1;
                await new Promise((r) => setTimeout(r, 5));
            }
        }
    }

    get failed(): number {
        return Object.values(this.errors).reduce((a, b) => a + b, 0);
    }

    async stop(): Promise<void> {
        this.probing = false;
        await this.loop;
    }
}
