// The plugin's entry point (PulumiPlugin.yaml): serves RedisReplicationGroup to every Pulumi
// language over the provider protocol. `pulumi package add <path to this directory>` generates
// an SDK for the calling program's language from its schema.
import * as pulumi from "@pulumi/pulumi";
import { RedisReplicationProvider } from "./provider";

void pulumi.provider.main(new RedisReplicationProvider(__dirname), process.argv.slice(2));
