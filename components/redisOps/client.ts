// Connecting to a node or sentinel as the providers do: fail-fast options, and the real cause when
// the connect fails. Serialized with each provider (see docs/development.md#serialized-providers).
import type { Redis as RedisClient, RedisOptions } from "ioredis";
import type { TlsClient } from "../tls";

/** How a client of the group's own logs in: a user (default when unset), its password, and TLS when the group has it. */
export interface ClientLogin {
    username?: string;
    password?: string;
    tls?: TlsClient;
}

/**
 * Options of a client that fails fast: it never queues, retries or reconnects on its own, so each
 * poll is one round trip and each error is seen where it happens. Every provider's clients use them.
 */
export function failFastOptions(host: string, port: number, login: ClientLogin, opTimeout: number, connectionName: string): RedisOptions {
    const { username, password, tls } = login;
    return {
        host,
        port,
        username,
        password,
        // The nodes' own certificate: it is what they present to each other, and the CA signed it.
        tls: tls ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName } : undefined,
        connectionName,
        lazyConnect: true,
        enableOfflineQueue: false,
        enableReadyCheck: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        autoResendUnfulfilledCommands: false,
        connectTimeout: opTimeout,
        commandTimeout: opTimeout,
        protocol: 2,
        disableClientInfo: true,
    };
}

/**
 * A connected client with these options, its login accepted (a PING answered: without the ready
 * check, connect() resolves before AUTH's reply). A failed connect rejects with "Connection is
 * closed.", and the real cause (a refused AUTH, ECONNREFUSED, a TLS failure) arrives as an
 * `error` event first: that cause is thrown, and the client is closed.
 */
export async function connectFailFast(options: RedisOptions): Promise<RedisClient> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis } = require("ioredis") as typeof import("ioredis");
    const client = new Redis(options);
    let cause: Error | undefined;
    client.on("error", (err: Error) => (cause ??= err));
    try {
        await client.connect();
        await client.ping();
        return client;
    } catch (err) {
        client.disconnect();
        throw cause ?? err;
    }
}
