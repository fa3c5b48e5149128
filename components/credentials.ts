// The passwords of the group's own users (admin, replication, sentinel, and backup or metrics when the
// group has them), generated once per group by @pulumi/random and kept, secret, in state. They are
// not derived from the group's password: an application that has that one must not be able to
// work out the admin's.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { GroupCredentials } from "./acl";

/** Letters and digits only: they go into redis.conf and ACL rules as they are. */
const PASSWORD_LENGTH = 32;

/** One RandomPassword per user, named after the group; their results, secret. */
export function createGroupCredentials(name: string, opts: pulumi.CustomResourceOptions): pulumi.Output<GroupCredentials> {
    const createPassword = (user: keyof GroupCredentials) =>
        new random.RandomPassword(`${name}-${user}-password`, { length: PASSWORD_LENGTH, special: false }, opts).result;
    const passwords = pulumi.all([createPassword("admin"), createPassword("replication"), createPassword("sentinel")]);
    return pulumi.secret(passwords.apply(([admin, replication, sentinel]) => ({ admin, replication, sentinel })));
}

/** The password of a user the group has only with a feature on (backup, metrics), generated once; secret. */
export function createFeatureCredential(name: string, user: string, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return pulumi.secret(new random.RandomPassword(`${name}-${user}-password`, { length: PASSWORD_LENGTH, special: false }, opts).result);
}
