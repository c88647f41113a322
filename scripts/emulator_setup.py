"""Creates, on the AWS emulators, the portal's table, proof bucket and mail identity
from the definitions in infra/template.yaml (not from a copy of them):

  emulator_setup.py --dynamodb URL --s3 URL --table NAME --bucket NAME --origin URL --mail-from ADDR

The table gets the template's attribute definitions, keys, GSI, TTL attribute and
stream; the bucket its CORS rule (for the given origin, as the template's BaseUrl),
versioning, encryption and lifecycle rules; SES (on the DynamoDB emulator, moto) the
sender identity. Existing resources are left as they are.
"""
import argparse
import sys

import boto3
import yaml


class TemplateLoader(yaml.SafeLoader):
    """CloudFormation's short tags (!Ref, !If, …) kept as {tag: value}."""


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return {"!" + suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {"!" + suffix: loader.construct_sequence(node, deep=True)}
    return {"!" + suffix: loader.construct_mapping(node, deep=True)}


TemplateLoader.add_multi_constructor("!", _tagged)


def resolve(value, params):
    """The few intrinsic functions the two resources use, for the emulator."""
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "!Ref":
            return params[inner]
        if tag == "!If":
            return resolve(inner[2], params)  # the non-prod branch
    if isinstance(value, dict):
        return {k: resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, params) for v in value]
    return value


def main():
    ap = argparse.ArgumentParser()
    for a in ("dynamodb", "s3", "table", "bucket", "origin", "mail-from"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--template", default="infra/template.yaml")
    ap.add_argument("--region", default="ap-northeast-1")
    args = ap.parse_args()
    with open(args.template, encoding="utf-8") as f:
        resources = yaml.load(f, Loader=TemplateLoader)["Resources"]
    params = {"BaseUrl": args.origin}
    creds = dict(region_name=args.region, aws_access_key_id="test", aws_secret_access_key="test")

    t = resolve(resources["PortalTable"]["Properties"], params)
    ddb = boto3.client("dynamodb", endpoint_url=args.dynamodb, **creds)
    if args.table not in ddb.list_tables()["TableNames"]:
        ddb.create_table(
            TableName=args.table,
            BillingMode=t["BillingMode"],
            AttributeDefinitions=t["AttributeDefinitions"],
            KeySchema=t["KeySchema"],
            GlobalSecondaryIndexes=t["GlobalSecondaryIndexes"],
            StreamSpecification={"StreamEnabled": True, **t["StreamSpecification"]},
        )
        ddb.update_time_to_live(TableName=args.table, TimeToLiveSpecification=t["TimeToLiveSpecification"])
        print(f"table {args.table} created from the template", file=sys.stderr)

    b = resolve(resources["ProofBucket"]["Properties"], params)
    s3 = boto3.client("s3", endpoint_url=args.s3, **creds)
    existing = [x["Name"] for x in s3.list_buckets().get("Buckets", [])]
    if args.bucket not in existing:
        s3.create_bucket(Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": args.region})
        s3.put_bucket_versioning(Bucket=args.bucket, VersioningConfiguration=b["VersioningConfiguration"])
        s3.put_bucket_encryption(Bucket=args.bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"]} for r in b["BucketEncryption"]["ServerSideEncryptionConfiguration"]]})
        s3.put_public_access_block(Bucket=args.bucket, PublicAccessBlockConfiguration=b["PublicAccessBlockConfiguration"])
        s3.put_bucket_cors(Bucket=args.bucket, CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": r["AllowedOrigins"], "AllowedMethods": r["AllowedMethods"],
             "AllowedHeaders": r["AllowedHeaders"], "MaxAgeSeconds": r["MaxAge"]}
            for r in b["CorsConfiguration"]["CorsRules"]]})
        rules = []
        for r in b["LifecycleConfiguration"]["Rules"]:
            rule = {"ID": r["Id"], "Status": r["Status"]}
            if "TagFilters" in r:
                rule["Filter"] = {"Tag": r["TagFilters"][0]}
            else:
                rule["Filter"] = {"Prefix": ""}
            if "ExpirationInDays" in r:
                rule["Expiration"] = {"Days": r["ExpirationInDays"]}
            if "AbortIncompleteMultipartUpload" in r:
                rule["AbortIncompleteMultipartUpload"] = r["AbortIncompleteMultipartUpload"]
            if "NoncurrentVersionExpiration" in r:
                rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": r["NoncurrentVersionExpiration"]["NoncurrentDays"]}
            rules.append(rule)
        s3.put_bucket_lifecycle_configuration(Bucket=args.bucket, LifecycleConfiguration={"Rules": rules})
        print(f"bucket {args.bucket} created from the template", file=sys.stderr)

    ses = boto3.client("sesv2", endpoint_url=args.dynamodb, **creds)
    ses.create_email_identity(EmailIdentity=args.mail_from.split("@", 1)[1])
    print(f"mail identity {args.mail_from.split('@', 1)[1]} verified", file=sys.stderr)


if __name__ == "__main__":
    main()
