"""A minimal JSON Schema of the cert-manager.io/v1 objects the manifests use (Issuer, Certificate).

kubernetes-validate holds the built-in kinds only, and cert-manager's CRDs are not vendored here. This schema
was written from the field lists of cert-manager's v1 CRDs (deploy/crds/cert-manager.io_{issuers,certificates}
.yaml): every spec field name is known (a misspelt field fails), and the fields these manifests use are typed
with their enums and required members. Fields not typed here are accepted as any value; extend the schema
before using one.
"""

from __future__ import annotations

from typing import Any

GO_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"

_METADATA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "namespace"],
    "properties": {
        "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
        "namespace": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": False,
}

_ISSUER_REF: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "kind": {"type": "string"}, "group": {"type": "string"}},
    "additionalProperties": False,
}

_USAGES = [
    "signing",
    "digital signature",
    "content commitment",
    "key encipherment",
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
    "any",
    "server auth",
    "client auth",
    "code signing",
    "email protection",
    "s/mime",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "timestamping",
    "ocsp signing",
    "microsoft sgc",
    "netscape sgc",
]

_UNTYPED_CERTIFICATE_FIELDS = [
    "additionalOutputFormats",
    "emailAddresses",
    "encodeUsagesInRequest",
    "ipAddresses",
    "keystores",
    "literalSubject",
    "nameConstraints",
    "otherNames",
    "renewBeforePercentage",
    "revisionHistoryLimit",
    "secretTemplate",
    "signatureAlgorithm",
    "subject",
    "uris",
]

CERTIFICATE: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "cert-manager.io/v1"},
        "kind": {"const": "Certificate"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            "required": ["issuerRef", "secretName"],
            "properties": {
                "secretName": {"type": "string", "minLength": 1},
                "issuerRef": _ISSUER_REF,
                "commonName": {"type": "string", "maxLength": 64},
                "dnsNames": {"type": "array", "items": {"type": "string"}},
                "isCA": {"type": "boolean"},
                "duration": {"type": "string", "pattern": GO_DURATION},
                "renewBefore": {"type": "string", "pattern": GO_DURATION},
                "privateKey": {
                    "type": "object",
                    "properties": {
                        "algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]},
                        "encoding": {"enum": ["PKCS1", "PKCS8"]},
                        "rotationPolicy": {"enum": ["Never", "Always"]},
                        "size": {"type": "integer"},
                    },
                    "additionalProperties": False,
                },
                "usages": {"type": "array", "items": {"enum": _USAGES}},
                **{name: {} for name in _UNTYPED_CERTIFICATE_FIELDS},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

ISSUER: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "cert-manager.io/v1"},
        "kind": {"const": "Issuer"},
        "metadata": _METADATA,
        "spec": {
            "type": "object",
            # cert-manager's webhook accepts exactly one issuer type per Issuer.
            "minProperties": 1,
            "maxProperties": 1,
            "properties": {
                "selfSigned": {
                    "type": "object",
                    "properties": {"crlDistributionPoints": {"type": "array", "items": {"type": "string"}}},
                    "additionalProperties": False,
                },
                "ca": {
                    "type": "object",
                    "required": ["secretName"],
                    "properties": {
                        "secretName": {"type": "string", "minLength": 1},
                        "crlDistributionPoints": {"type": "array", "items": {"type": "string"}},
                        "issuingCertificateURLs": {"type": "array", "items": {"type": "string"}},
                        "ocspServers": {"type": "array", "items": {"type": "string"}},
                    },
                    "additionalProperties": False,
                },
                "acme": {},
                "vault": {},
                "venafi": {},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

SCHEMAS = {"Certificate": CERTIFICATE, "Issuer": ISSUER}
