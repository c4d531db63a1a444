// Command brookgo drives one Go Kafka client (sarama, kafka-go or confluent-kafka-go) through one
// step of an integration test, so that the Python tests can orchestrate brokers and processes
// while the Kafka traffic comes from the real Go libraries.
//
// Usage: brookgo CLIENT ACTION [flags]
//
// Every result is one JSON object per line on stdout; diagnostics go to stderr. A failed step
// prints "error: ..." on stderr and exits 1, so the caller sees the client's own error text.
// Long-running consumers stop cleanly (commit, leave the group) on SIGTERM or SIGINT.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// options are the flags shared by every client and action; each action reads what it needs.
type options struct {
	bootstrap  string
	topic      string
	topics     string
	group      string
	partitions int
	partition  int
	codec      string
	count      int
	prefix     string
	keys       int
	version    string
	offset     int64
	assign     string
	timeout    time.Duration
}

func (o *options) topicList() []string {
	if o.topics == "" {
		return []string{o.topic}
	}
	return strings.Split(o.topics, ",")
}

type action func(o *options) error

var clients = map[string]map[string]action{
	"sarama":    saramaActions,
	"kafkago":   kafkagoActions,
	"confluent": confluentActions,
}

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	actions, ok := clients[os.Args[1]]
	if !ok {
		usage()
	}
	run, ok := actions[os.Args[2]]
	if !ok {
		usage()
	}
	var o options
	fs := flag.NewFlagSet(os.Args[1]+" "+os.Args[2], flag.ExitOnError)
	fs.StringVar(&o.bootstrap, "bootstrap", "127.0.0.1:9092", "broker HOST:PORT")
	fs.StringVar(&o.topic, "topic", "", "topic")
	fs.StringVar(&o.topics, "topics", "", "comma-separated topics (delete-topics)")
	fs.StringVar(&o.group, "group", "", "consumer group")
	fs.IntVar(&o.partitions, "partitions", 1, "partition count (create-topic)")
	fs.IntVar(&o.partition, "partition", 0, "partition (offsets)")
	fs.StringVar(&o.codec, "codec", "none", "none|gzip|snappy|lz4|zstd")
	fs.IntVar(&o.count, "count", 10, "records to produce")
	fs.StringVar(&o.prefix, "prefix", "v", "value prefix; values are PREFIX-NNNNNN")
	fs.IntVar(&o.keys, "keys", 8, "distinct keys (record i has key k(i mod keys))")
	fs.StringVar(&o.version, "version", "", "sarama Config.Version (empty: sarama's default)")
	fs.Int64Var(&o.offset, "offset", 0, "offset to commit (commit-offset)")
	fs.StringVar(&o.assign, "assign", "", "comma-separated partitions (assign-consume)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "bound on each blocking client call")
	if err := fs.Parse(os.Args[3:]); err != nil {
		os.Exit(2)
	}
	if err := run(&o); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	var names []string
	for c, actions := range clients {
		for a := range actions {
			names = append(names, c+" "+a)
		}
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: brookgo CLIENT ACTION [flags]\n  %s\n", strings.Join(names, "\n  "))
	os.Exit(2)
}

var outMu sync.Mutex

// emit writes one JSON line; consumers call it from several goroutines.
func emit(v map[string]interface{}) {
	line, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

// record is what every producer writes: record i has key k(i mod keys) and value PREFIX-i, so a
// consumer can check per-key order from the values alone.
func record(o *options, i int) (key, value string) {
	return fmt.Sprintf("k%d", i%o.keys), fmt.Sprintf("%s-%06d", o.prefix, i)
}

func emitRecord(member string, partition int32, offset int64, key, value []byte) {
	emit(map[string]interface{}{"event": "record", "member": member, "partition": partition,
		"offset": offset, "key": string(key), "value": string(value)})
}

func emitAssigned(member string, partitions []int32) {
	sorted := append([]int32(nil), partitions...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	emit(map[string]interface{}{"event": "assigned", "member": member, "partitions": sorted})
}

// stopSignal is closed on the first SIGTERM/SIGINT.
func stopSignal() <-chan struct{} {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		<-ch
		close(done)
	}()
	return done
}

func memberName() string {
	if name := os.Getenv("BROOKGO_MEMBER"); name != "" {
		return name
	}
	return fmt.Sprintf("pid%d", os.Getpid())
}
