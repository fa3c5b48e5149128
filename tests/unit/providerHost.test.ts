// The plugin as the engine starts it: provider/index.ts run as its own process prints the port
// of its gRPC server, and answers GetPluginInfo and GetSchema there, on 127.0.0.1, with the
// committed schema. (Construct needs the engine's resource monitor; componentProvider.test.ts
// runs it in-process instead.)
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { REPO_ROOT } from "../../harness/docker";
import { pollUntil, StopPolling } from "../../harness/poll";
import { SCHEMA_PATH } from "../../scripts/schema";

/* eslint-disable @typescript-eslint/no-require-imports */
const services = require("@pulumi/pulumi/proto/provider_grpc_pb") as {
    ResourceProviderClient: new (address: string, creds: grpc.ChannelCredentials) => ProviderClient;
};
const messages = require("@pulumi/pulumi/proto/provider_pb") as { GetSchemaRequest: new () => { setVersion(v: number): void } };
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

interface ProviderClient {
    getSchema(req: unknown, cb: (err: Error | null, res: { getSchema(): string }) => void): void;
    getPluginInfo(req: unknown, cb: (err: Error | null, res: { getVersion(): string }) => void): void;
    close(): void;
}

const call = <T>(fn: (cb: (err: Error | null, res: T) => void) => void) =>
    new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));

describe("provider/index.ts as the engine runs it: a gRPC provider on 127.0.0.1", function () {
    this.timeout(120_000);
    let host: ChildProcess | undefined;
    let client: ProviderClient;
    let stdout = "";
    let stderr = "";

    before(async () => {
        // The engine passes its own address; this host never calls it for GetSchema. Type-checked,
        // with provider/tsconfig.json, as Pulumi's plugin runner compiles it.
        host = spawn(process.execPath, ["-r", "ts-node/register", path.join(REPO_ROOT, "provider", "index.ts"), "127.0.0.1:9"], {
            cwd: path.join(REPO_ROOT, "provider"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        host.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
        host.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await pollUntil("the provider's port on stdout", 90_000, async () => {
            if (host!.exitCode !== null) throw new StopPolling(`the provider exited with ${host!.exitCode}: ${stderr}`);
            return /^(\d+)\s*$/m.exec(stdout)?.[1] ?? false;
        });
        client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => {
        client?.close();
        host?.kill();
    });

    it("reports the package's version", async () => {
        const info = await call<{ getVersion(): string }>((cb) => client.getPluginInfo(new Empty(), cb));
        assert.strictEqual(info.getVersion(), "0.1.0");
    });

    it("serves the committed schema, secrets marked", async () => {
        const req = new messages.GetSchemaRequest();
        req.setVersion(0);
        const res = await call<{ getSchema(): string }>((cb) => client.getSchema(req, cb));
        assert.deepStrictEqual(JSON.parse(res.getSchema()), JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")));
    });
});
