#!/bin/sh
# From the kubeadm high-availability guide; APISERVER_DEST_PORT=8443.

errorExit() {
    echo "*** $*" 1>&2
    exit 1
}

curl -sfk --max-time 2 https://localhost:8443/ -o /dev/null || errorExit "Error GET https://localhost:8443/"
