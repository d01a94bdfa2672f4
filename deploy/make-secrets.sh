#!/usr/bin/env bash
# Writes what the kustomize base's secretGenerator reads: a CA, the store's certificate signed by
# it (valid for the Service's names), its key, and a random token. Run once, keep the folder out of
# git (deploy/.gitignore), and rerun to rotate (the Secret's name changes, so the pods roll).
#   deploy/make-secrets.sh [FOLDER (default: deploy/secrets)] [NAMESPACE (default: vpa-store)]
set -euo pipefail
dir="${1:-$(dirname "$0")/secrets}"
namespace="${2:-vpa-store}"
command -v openssl >/dev/null || { echo "make-secrets.sh needs openssl (Debian: apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077
days=825
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/CN=vpa-store CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=vpa-store" -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
# The Service's names, and localhost for the feed beside the store in its pod.
sans="DNS:vpa-store,DNS:vpa-store.$namespace,DNS:vpa-store.$namespace.svc,DNS:vpa-store.$namespace.svc.cluster.local,DNS:localhost,IP:127.0.0.1"
openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
  -extfile <(printf "subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n" "$sans") \
  -out "$dir/tls.crt" 2>/dev/null
rm -f "$dir/tls.csr" "$dir/ca.srl"
openssl rand -hex 32 > "$dir/token"
echo "wrote $dir/{ca.crt,ca.key,tls.crt,tls.key,token} (server names: $sans); keep ca.key offline"
