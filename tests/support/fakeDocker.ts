// A Docker engine that only lists containers, on a unix socket of its own: what the program's
// read of the group's existing containers sees in the unit tier, which reaches no real engine.
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

/** A fake engine listing these container names; `host` is its DOCKER_HOST. */
export interface FakeDocker {
    host: string;
    /** How many times the containers were listed. */
    listed: () => number;
    close: () => Promise<void>;
}

export async function startFakeDocker(containers: string[]): Promise<FakeDocker> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-fake-docker-"));
    const socket = path.join(dir, "docker.sock");
    let listed = 0;
    const server = http.createServer((req, res) => {
        if (req.method === "GET" && /\/containers\/json(\?|$)/.test(req.url ?? "")) {
            listed++;
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify(containers.map((name, i) => ({ Id: `c${i}`, Names: [`/${name}`], Labels: {} }))));
            return;
        }
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake docker: no ${req.method} ${req.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    return {
        host: `unix://${socket}`,
        listed: () => listed,
        close: async () => {
            await new Promise<void>((resolve) => server.close(() => resolve()));
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/**
 * Runs `fn` with DOCKER_HOST at a fake engine listing these containers (the default engine of
 * a group without hosts), then puts DOCKER_HOST back.
 */
export async function withFakeDocker<T>(containers: string[], fn: (fake: FakeDocker) => Promise<T>): Promise<T> {
    const fake = await startFakeDocker(containers);
    const before = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = fake.host;
    try {
        return await fn(fake);
    } finally {
        if (before === undefined) delete process.env.DOCKER_HOST;
        else process.env.DOCKER_HOST = before;
        await fake.close();
    }
}
