package main

// kafka-go 0.2.1 (Debian golang-github-segmentio-kafka-go-dev). It pins its versions: Produce v2
// and Fetch v2 with magic-1 message sets, ListOffsets v1, Metadata v1, FindCoordinator v0,
// JoinGroup v1, SyncGroup/Heartbeat/LeaveGroup v0, OffsetCommit v2, OffsetFetch v1,
// CreateTopics v0, DeleteTopics v1.

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"regexp"
	"strconv"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/gzip"
	"github.com/segmentio/kafka-go/lz4"
	"github.com/segmentio/kafka-go/snappy"
)

var kafkagoActions = map[string]action{
	"create-topic":  kafkagoCreateTopic,
	"produce":       kafkagoProduce,
	"group-consume": kafkagoGroupConsume,
	"delete-topics": kafkagoDeleteTopics,
	"offsets":       kafkagoOffsets,
}

// Every connection kafka-go opens (Writer, DialLeader, LookupPartitions, Reader) names itself,
// so the tests can tell this client's requests from their own.
func init() {
	kafka.DefaultDialer.ClientID = "brookgo-kafkago"
}

func kafkagoDial(o *options) (*kafka.Conn, error) {
	conn, err := (&kafka.Dialer{Timeout: o.timeout, ClientID: "brookgo-kafkago"}).Dial("tcp", o.bootstrap)
	if err != nil {
		return nil, err
	}
	return conn, conn.SetDeadline(time.Now().Add(o.timeout))
}

func kafkagoCreateTopic(o *options) error {
	conn, err := kafkagoDial(o)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.CreateTopics(kafka.TopicConfig{Topic: o.topic, NumPartitions: o.partitions, ReplicationFactor: 1}); err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "created", "topic": o.topic})
	return nil
}

func kafkagoDeleteTopics(o *options) error {
	conn, err := kafkagoDial(o)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.DeleteTopics(o.topicList()...); err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "deleted", "topics": o.topicList()})
	return nil
}

func kafkagoCodec(name string) (kafka.CompressionCodec, error) {
	switch name {
	case "none":
		return nil, nil
	case "gzip":
		return gzip.NewCompressionCodec(), nil
	case "snappy":
		return snappy.NewCompressionCodec(), nil
	case "lz4":
		return lz4.NewCompressionCodec(), nil
	}
	return nil, fmt.Errorf("kafka-go 0.2 has no codec %q", name)
}

// produce uses the Writer (hash balancer) for uncompressed records. kafka-go 0.2's Writer cannot
// compress, so compressed records go through Conn.WriteCompressedMessages to each partition's
// leader, partitioned by the same Hash balancer: one compressed message set per partition.
func kafkagoProduce(o *options) error {
	codec, err := kafkagoCodec(o.codec)
	if err != nil {
		return err
	}
	msgs := make([]kafka.Message, o.count)
	for i := range msgs {
		key, value := record(o, i)
		msgs[i] = kafka.Message{Key: []byte(key), Value: []byte(value)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if codec == nil {
		w := kafka.NewWriter(kafka.WriterConfig{Brokers: []string{o.bootstrap}, Topic: o.topic,
			Balancer: &kafka.Hash{}, MaxAttempts: 1, BatchSize: o.count, BatchTimeout: 20 * time.Millisecond,
			RequiredAcks: -1, ReadTimeout: o.timeout, WriteTimeout: o.timeout})
		if err := w.WriteMessages(ctx, msgs...); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
	parts, err := kafka.LookupPartitions(ctx, "tcp", o.bootstrap, o.topic)
	if err != nil {
		return err
	}
	ids := make([]int, len(parts))
	for i, p := range parts {
		ids[i] = p.ID
	}
	byPartition := map[int][]kafka.Message{}
	balancer := &kafka.Hash{}
	for _, m := range msgs {
		p := balancer.Balance(m, ids...)
		byPartition[p] = append(byPartition[p], m)
	}
	for p, batch := range byPartition {
		conn, err := kafka.DialLeader(ctx, "tcp", o.bootstrap, o.topic, p)
		if err != nil {
			return err
		}
		conn.SetRequiredAcks(-1)
		conn.SetDeadline(time.Now().Add(o.timeout))
		_, err = conn.WriteCompressedMessages(codec, batch...)
		conn.Close()
		if err != nil {
			return fmt.Errorf("partition %d: %v", p, err)
		}
	}
	return nil
}

// ListOffsets v1 through Conn.ReadOffsets on the partition leader.
func kafkagoOffsets(o *options) error {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	conn, err := kafka.DialLeader(ctx, "tcp", o.bootstrap, o.topic, o.partition)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(o.timeout))
	first, last, err := conn.ReadOffsets()
	if err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "offsets", "partition": o.partition, "oldest": first, "newest": last})
	return nil
}

// assignmentWatcher turns the Reader's "subscribed to partitions: map[P:OFFSET ...]" log line
// into an assigned event: kafka-go 0.2 has no rebalance callback.
type assignmentWatcher struct {
	mu     sync.Mutex
	member string
	buf    bytes.Buffer
}

var subscribedLine = regexp.MustCompile(`subscribed to partitions: map\[(.*)\]`)
var partitionEntry = regexp.MustCompile(`(\d+):-?\d+`)

func (w *assignmentWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line) // incomplete line: keep it
			return len(p), nil
		}
		if os.Getenv("BROOKGO_DEBUG") != "" {
			os.Stderr.WriteString("[kafka-go] " + line)
		}
		if m := subscribedLine.FindStringSubmatch(line); m != nil {
			var parts []int32
			for _, e := range partitionEntry.FindAllStringSubmatch(m[1], -1) {
				n, _ := strconv.Atoi(e[1])
				parts = append(parts, int32(n))
			}
			emitAssigned(w.member, parts)
		}
	}
}

// group-consume reads with a group Reader; ReadMessage commits each record synchronously
// (CommitInterval 0) before returning it, so a returned record is a committed one.
func kafkagoGroupConsume(o *options) error {
	name := memberName()
	watcher := &assignmentWatcher{member: name}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: []string{o.bootstrap}, GroupID: o.group, Topic: o.topic,
		Dialer:   &kafka.Dialer{Timeout: o.timeout, ClientID: "brookgo-kafkago"},
		MinBytes: 1, MaxBytes: 1 << 20, MaxWait: 200 * time.Millisecond,
		HeartbeatInterval: 500 * time.Millisecond, SessionTimeout: 10 * time.Second,
		RebalanceTimeout: 10 * time.Second, CommitInterval: 0,
		Logger:      log.New(watcher, "", 0),
		ErrorLogger: log.New(os.Stderr, "[kafka-go error] ", log.Lmicroseconds),
	})
	stop := stopSignal()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
	}()
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			r.Close()
			return err
		}
		emitRecord(name, int32(m.Partition), m.Offset, m.Key, m.Value)
	}
	if err := r.Close(); err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "closed", "member": name})
	return nil
}
