// The component provider that serves RedisReplicationGroup to every Pulumi language. Pulumi's
// analyzer infers the schema from the TypeScript types; it has no way to say a property is
// secret, so the properties that hold the password are marked here.
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { RedisReplicationGroup } from "../components";

/** The package name: the type token is `redis-replication:index:RedisReplicationGroup`. */
export const PACKAGE_NAME = "redis-replication";

/** The properties that hold the password: the component's inputs and outputs, and those of its object types. */
export const SECRET_PROPERTIES = {
    inputs: ["password"],
    outputs: ["masterUrl", "replicaUrls", "adminPassword"],
    types: { NodeConnection: ["password", "url"], GroupUser: ["password"], GroupTls: ["ca", "cert", "key"] } as Record<string, string[]>,
};

interface SchemaProperty {
    secret?: boolean;
}
interface Schema {
    resources: Record<string, { inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty> }>;
    types: Record<string, { properties?: Record<string, SchemaProperty> }>;
}

/** The schema with every property in SECRET_PROPERTIES marked secret; throws if one is missing. */
export function markSecrets(schemaJson: string): string {
    const schema = JSON.parse(schemaJson) as Schema;
    const mark = (where: string, props: Record<string, SchemaProperty> | undefined, names: string[]) => {
        for (const name of names) {
            const prop = props?.[name];
            if (!prop) throw new Error(`schema: ${where} has no property ${name} to mark secret`);
            prop.secret = true;
        }
    };
    for (const [token, resource] of Object.entries(schema.resources)) {
        mark(`${token} inputs`, resource.inputProperties, SECRET_PROPERTIES.inputs);
        mark(token, resource.properties, SECRET_PROPERTIES.outputs);
    }
    for (const [typeName, names] of Object.entries(SECRET_PROPERTIES.types)) {
        const token = `${PACKAGE_NAME}:index:${typeName}`;
        mark(token, schema.types[token]?.properties, names);
    }
    return JSON.stringify(schema);
}

/** Pulumi's ComponentProvider for the group, with the secret properties marked in its schema. */
export class RedisReplicationProvider extends ComponentProvider {
    private marked?: string;

    constructor(dirname: string = __dirname) {
        super({ components: [RedisReplicationGroup], name: PACKAGE_NAME, dirname });
    }

    override async getSchema(): Promise<string> {
        this.marked ??= markSecrets(await super.getSchema());
        return this.marked;
    }
}
