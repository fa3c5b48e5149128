// The restore's shapes: what the program hands the seed and what the check is told. Types only.

/** Where the master keeps /data: its named volume, or its host directory. */
export interface DataTarget {
    volume?: string;
    hostPath?: string;
}

/** How the master's data directory is laid out, as its redis.conf says. */
export interface DataLayout {
    /** AOF on: the file goes in as the AOF's base (Redis ignores a lone dump.rdb then). */
    appendonly: boolean;
    dbfilename: string;
    appenddirname: string;
    appendfilename: string;
}

export interface RestoreSeedInputs {
    /** The master's engine (a Docker provider's host); undefined: the default engine. */
    docker?: string;
    /** The group's image: its redis-check-rdb judges the file, so a file from a newer Redis is refused. */
    image: string;
    target: DataTarget;
    layout: DataLayout;
    /** The file on the deploying machine. */
    file: string;
    /** restoreFrom as written: what decides whether the seed changed (a newer latest backup does not). */
    spec: string;
    labels: Record<string, string>;
}

/** What the file held, by redis-check-rdb in the image. */
export interface RestoredKeys {
    file: string;
    /** Keys in the file. */
    keys: number;
    /** Of them, keys with an expiry. */
    expires: number;
    /** Of them, keys already expired when the seed looked: a master drops them as it loads. */
    alreadyExpired: number;
}

export type RestoreSeedOutputs = RestoreSeedInputs & { restored: RestoredKeys };
