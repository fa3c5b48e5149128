// The restore seed, as a program constructs it. Not serialized.
import * as pulumi from "@pulumi/pulumi";
import type { Args } from "../backup/types";
import { restoreSeedProvider } from "./provider";
import type { RestoredKeys, RestoreSeedInputs } from "./types";

/** The restore file placed in the master's data directory before its container first starts. */
export class RestoreSeed extends pulumi.dynamic.Resource {
    /** What the file held: the check proves every node holds as many keys. */
    declare readonly restored: pulumi.Output<RestoredKeys>;

    constructor(name: string, args: Args<RestoreSeedInputs>, opts?: pulumi.CustomResourceOptions) {
        super(restoreSeedProvider, name, { restored: undefined, ...args }, opts, "redis", "RestoreSeed");
    }
}
