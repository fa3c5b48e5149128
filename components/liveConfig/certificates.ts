// A new TLS certificate on the running group, with no container replaced: the new files are put
// into each container beside the old ones' paths (Docker's archive API), then each data node
// reloads them with CONFIG SET of the same paths (Redis 7 re-reads the files then; open
// connections, replication links included, keep their session). Sentinel cannot reload them
// (redis/redis#12028), so each sentinel is restarted, one at a time, the next only once the one
// before is back with its quorum. Serialized with the providers (see
// docs/development.md#serialized-providers).
import { dockerEngine } from "../dockerEngine";
import { containerSummary } from "../dockerRun";
import { backoff } from "../redisOps/backoff";
import { PACE } from "../redisOps/constants";
import { errorMessage } from "../redisOps/messages";
import type { TlsClient, TlsPem } from "../tls";
import { TLS_DIR, TLS_FILE_NAMES, TLS_FILES } from "../tlsFiles";
import { connectAny, LiveClient, run } from "./connection";
import { waitSentinelBack } from "./password";
import type { LiveTarget, Login } from "./types";

/** Writes the PEMs into the container, owned by the redis user (uid 999), readable by it alone. */
async function putTlsFiles(target: LiveTarget, pem: TlsPem): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tar = require("tar-stream") as typeof import("tar-stream");
    const pack = tar.pack();
    for (const part of ["ca", "cert", "key"] as const) {
        pack.entry({ name: TLS_FILE_NAMES[part], mode: 0o600, uid: 999, gid: 999 }, pem[part]);
    }
    pack.finalize();
    try {
        await dockerEngine(target.docker).getContainer(target.name).putArchive(pack, { path: TLS_DIR });
    } catch (err) {
        throw new Error(`${target.name}: could not write its new TLS files: ${errorMessage(err)}`);
    }
}

/** The data nodes reload the files they were just given; replicas first (the caller's order). */
export async function reloadNodeCertificates(data: LiveClient[], pem: TlsPem, passwords: (string | undefined)[]): Promise<void> {
    for (const node of data) {
        await putTlsFiles(node, pem);
        const { cert, key, ca } = TLS_FILES;
        await run(node, passwords, "CONFIG", "SET", "tls-cert-file", cert, "tls-key-file", key, "tls-ca-cert-file", ca);
    }
}

/**
 * Each sentinel gets the new files and is restarted, then waited for until it answers (with the
 * new certificate) and reports its quorum and the master up; only then the next one.
 */
export async function restartSentinels(
    sentinels: LiveTarget[],
    masterName: string,
    connect: { logins: Login[]; tls: TlsClient; waitMs: number },
): Promise<void> {
    for (const target of sentinels) {
        await putTlsFiles(target, connect.tls);
        await dockerEngine(target.docker).getContainer(target.name).restart({ t: 10 });
        const next = backoff(PACE.sentinelPeers, Date.now() + connect.waitMs);
        let client: LiveClient | undefined;
        let last = "";
        do {
            try {
                client = await connectAny(target, connect.logins, 2000, connect.tls);
            } catch (err) {
                last = errorMessage(err);
            }
        } while (!client && (await next()));
        if (!client) {
            const seen = await containerSummary(target.docker, target.name);
            throw new Error(`${target.name} did not come back after its restart for the new certificate: ${last}; ${seen}`);
        }
        try {
            await waitSentinelBack(client, masterName, connect.waitMs);
        } finally {
            client.client.disconnect();
        }
    }
}
