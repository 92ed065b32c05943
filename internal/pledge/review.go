package pledge

import (
	"time"

	"github.com/ikrar/ikrar/internal/store"
)

// The review of "who really signed" lists signatures worth a second look;
// it never blocks signing (a kantor's shared computer at a morning
// assembly is legitimate), it tells an inspector where to ask.
const (
	// ClusterWindow and ClusterMin: this many different people signing on
	// one device within this time is a cluster.
	ClusterWindow = 15 * time.Minute
	ClusterMin    = 3
)

// Cluster is a run of signatures by different people on one device within
// ClusterWindow of each other.
type Cluster struct {
	DeviceKey  string
	Signatures []store.SignatureNote
}

// Clusters finds the clusters in signatures ordered by device key and time
// (as store.SignaturesOnSharedDevices returns them). A run continues while
// each signature follows the previous within the window.
func Clusters(sigs []store.SignatureNote) []Cluster {
	var out []Cluster
	flush := func(run []store.SignatureNote) {
		people := map[string]bool{}
		for _, s := range run {
			people[s.SignerNIP] = true
		}
		if len(people) >= ClusterMin {
			out = append(out, Cluster{DeviceKey: run[0].DeviceKey, Signatures: run})
		}
	}
	start := 0
	for i := 1; i <= len(sigs); i++ {
		if i == len(sigs) || sigs[i].DeviceKey != sigs[i-1].DeviceKey || sigs[i].SignedAt.Sub(sigs[i-1].SignedAt) > ClusterWindow {
			flush(sigs[start:i])
			start = i
		}
	}
	return out
}
