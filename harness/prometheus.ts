// A real Prometheus for the metrics tests and the bench: Debian's prometheus binary as a process on
// 127.0.0.1, reading a group's file_sd targets and rules from a temporary directory, scraping and
// evaluating every second. Stopped, and its directory removed, by stop().
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { pollUntil } from "./poll";

const BINARY = "/usr/bin/prometheus";

/** One alert as /api/v1/alerts lists it. */
export interface PromAlert {
    labels: Record<string, string>;
    state: "pending" | "firing";
}

/** One sample of an instant query. */
export interface PromSample {
    metric: Record<string, string>;
    value: number;
}

/** A free port on 127.0.0.1. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

export class Prometheus {
    private constructor(
        private readonly proc: ChildProcess,
        private readonly dir: string,
        readonly url: string,
    ) {}

    /** Why Prometheus can't run here, or undefined. */
    static missing(): string | undefined {
        return fs.existsSync(BINARY) ? undefined : `${BINARY} is missing: apt-get install prometheus`;
    }

    /** Starts Prometheus on the targets (file_sd JSON) and rules (YAML) given; resolves once it is ready. */
    static async start(fileSd: string, rules: string): Promise<Prometheus> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-prometheus-"));
        fs.writeFileSync(path.join(dir, "targets.json"), fileSd);
        fs.writeFileSync(path.join(dir, "rules.yml"), rules);
        fs.writeFileSync(
            path.join(dir, "prometheus.yml"),
            [
                "global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }",
                "rule_files: [rules.yml]",
                "scrape_configs:",
                "  - job_name: redis",
                "    file_sd_configs: [{ files: [targets.json], refresh_interval: 1s }]",
                "",
            ].join("\n"),
        );
        const port = await freePort();
        const proc = spawn(
            BINARY,
            [
                `--config.file=${path.join(dir, "prometheus.yml")}`,
                `--storage.tsdb.path=${path.join(dir, "data")}`,
                `--web.listen-address=127.0.0.1:${port}`,
            ],
            { stdio: ["ignore", "ignore", "pipe"] },
        );
        let log = "";
        proc.stderr!.on("data", (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
        const prom = new Prometheus(proc, dir, `http://127.0.0.1:${port}`);
        try {
            await pollUntil("Prometheus ready", 30_000, async () => {
                if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${log}`);
                return (await fetch(`${prom.url}/-/ready`)).ok;
            });
        } catch (err) {
            await prom.stop();
            throw err;
        }
        return prom;
    }

    /** An instant query's samples. */
    async query(expr: string): Promise<PromSample[]> {
        const res = (await (await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
            status: string;
            error?: string;
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        if (res.status !== "success") throw new Error(`query ${expr}: ${res.error}`);
        return res.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    }

    /** The alerts pending or firing now. */
    async alerts(): Promise<PromAlert[]> {
        const res = (await (await fetch(`${this.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
        return res.data.alerts;
    }

    async stop(): Promise<void> {
        if (this.proc.exitCode === null && this.proc.signalCode === null) {
            const exited = new Promise((r) => this.proc.once("exit", r));
            this.proc.kill("SIGTERM");
            await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
            this.proc.kill("SIGKILL");
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
