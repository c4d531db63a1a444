package main

// sarama 1.22 (Debian golang-github-shopify-sarama-dev). sarama 1.22 does not negotiate versions:
// Config.Version alone picks every request version, and its default is the oldest it knows
// (0.8.2.0: Produce v0 with magic-0 message sets, Fetch v0, ListOffsets v0, Metadata v0).

import (
	"errors"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"time"

	"github.com/Shopify/sarama"
)

var saramaActions = map[string]action{
	"create-topic":   saramaCreateTopic,
	"produce":        saramaProduce,
	"group-consume":  saramaGroupConsume,
	"assign-consume": saramaAssignConsume,
	"list-groups":    saramaListGroups,
	"describe-group": saramaDescribeGroup,
	"delete-topics":  saramaDeleteTopics,
	"offsets":        saramaOffsets,
	"commit-offset":  saramaCommitOffset,
	"fetch-offset":   saramaFetchOffset,
}

func saramaConfig(o *options) (*sarama.Config, error) {
	cfg := sarama.NewConfig()
	if o.version != "" {
		v, err := sarama.ParseKafkaVersion(o.version)
		if err != nil {
			return nil, err
		}
		cfg.Version = v
	}
	cfg.ClientID = "brookgo-sarama"
	cfg.Net.DialTimeout = o.timeout
	cfg.Net.ReadTimeout = o.timeout
	cfg.Net.WriteTimeout = o.timeout
	cfg.Metadata.Retry.Max = 5
	cfg.Metadata.Retry.Backoff = 200 * time.Millisecond
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Retry.Max = 3
	cfg.Consumer.Return.Errors = true
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Admin.Timeout = o.timeout
	if os.Getenv("BROOKGO_DEBUG") != "" {
		sarama.Logger = log.New(os.Stderr, "[sarama] ", log.Lmicroseconds)
	} else {
		sarama.Logger = log.New(ioutil.Discard, "", 0)
	}
	return cfg, nil
}

func saramaClient(o *options) (sarama.Client, error) {
	cfg, err := saramaConfig(o)
	if err != nil {
		return nil, err
	}
	return sarama.NewClient([]string{o.bootstrap}, cfg)
}

// saramaAdminBroker is the broker that takes admin requests: the controller, as ClusterAdmin
// does, when Metadata v1 names one (0.10.0.0 and later), else the bootstrap broker. sarama itself
// refuses, before sending anything, CreateTopics and DeleteTopics below 0.10.1.0 and ListGroups,
// DescribeGroups and the group membership APIs below 0.9.0.0 (ErrUnsupportedVersion).
func saramaAdminBroker(client sarama.Client) (*sarama.Broker, error) {
	if client.Config().Version.IsAtLeast(sarama.V0_10_0_0) {
		return client.Controller()
	}
	brokers := client.Brokers()
	if len(brokers) == 0 {
		return nil, errors.New("no brokers in metadata")
	}
	b := brokers[0]
	if err := b.Open(client.Config()); err != nil && err != sarama.ErrAlreadyConnected {
		return nil, err
	}
	return b, nil
}

// CreateTopics with the version ClusterAdmin picks (v0 below 0.11.0.0, v2 from 1.0.0.0).
func saramaCreateTopic(o *options) error {
	client, err := saramaClient(o)
	if err != nil {
		return err
	}
	defer client.Close()
	b, err := saramaAdminBroker(client)
	if err != nil {
		return err
	}
	req := &sarama.CreateTopicsRequest{
		TopicDetails: map[string]*sarama.TopicDetail{
			o.topic: {NumPartitions: int32(o.partitions), ReplicationFactor: 1},
		},
		Timeout: o.timeout,
	}
	if client.Config().Version.IsAtLeast(sarama.V0_11_0_0) {
		req.Version = 1
	}
	if client.Config().Version.IsAtLeast(sarama.V1_0_0_0) {
		req.Version = 2
	}
	resp, err := b.CreateTopics(req)
	if err != nil {
		return err
	}
	if terr, ok := resp.TopicErrors[o.topic]; !ok {
		return errors.New("CreateTopics response without the topic")
	} else if terr.Err != sarama.ErrNoError {
		return terr
	}
	emit(map[string]interface{}{"event": "created", "topic": o.topic, "version": req.Version})
	return nil
}

func saramaCodec(name string) (sarama.CompressionCodec, error) {
	switch name {
	case "none":
		return sarama.CompressionNone, nil
	case "gzip":
		return sarama.CompressionGZIP, nil
	case "snappy":
		return sarama.CompressionSnappy, nil
	case "lz4":
		return sarama.CompressionLZ4, nil
	case "zstd":
		return sarama.CompressionZSTD, nil
	}
	return 0, fmt.Errorf("unknown codec %q", name)
}

// produce sends the records one at a time through a SyncProducer (hash partitioner on the key),
// so per-partition order is the send order.
func saramaProduce(o *options) error {
	cfg, err := saramaConfig(o)
	if err != nil {
		return err
	}
	if cfg.Producer.Compression, err = saramaCodec(o.codec); err != nil {
		return err
	}
	producer, err := sarama.NewSyncProducer([]string{o.bootstrap}, cfg)
	if err != nil {
		return err
	}
	defer producer.Close()
	for i := 0; i < o.count; i++ {
		key, value := record(o, i)
		p, off, err := producer.SendMessage(&sarama.ProducerMessage{
			Topic: o.topic, Key: sarama.StringEncoder(key), Value: sarama.StringEncoder(value)})
		if err != nil {
			return fmt.Errorf("record %d: %v", i, err)
		}
		emit(map[string]interface{}{"event": "produced", "partition": p, "offset": off, "key": key, "value": value})
	}
	return producer.Close()
}

// ListGroups v0 and DescribeGroups v0 (the only versions sarama 1.22 has).
func saramaListGroups(o *options) error {
	client, err := saramaClient(o)
	if err != nil {
		return err
	}
	defer client.Close()
	b, err := saramaAdminBroker(client)
	if err != nil {
		return err
	}
	resp, err := b.ListGroups(&sarama.ListGroupsRequest{})
	if err != nil {
		return err
	}
	if resp.Err != sarama.ErrNoError {
		return resp.Err
	}
	for group, protocolType := range resp.Groups {
		emit(map[string]interface{}{"event": "group", "group": group, "protocol_type": protocolType})
	}
	return nil
}

func saramaDescribeGroup(o *options) error {
	client, b, err := saramaCoordinator(o)
	if err != nil {
		return err
	}
	defer client.Close()
	resp, err := b.DescribeGroups(&sarama.DescribeGroupsRequest{Groups: []string{o.group}})
	if err != nil {
		return err
	}
	for _, g := range resp.Groups {
		if g.Err != sarama.ErrNoError {
			return g.Err
		}
		members := []map[string]interface{}{}
		for id, m := range g.Members {
			assigned := []int32{}
			if a, err := m.GetMemberAssignment(); err == nil && a != nil {
				assigned = append(assigned, a.Topics[o.topic]...)
			}
			members = append(members, map[string]interface{}{"member_id": id, "client_id": m.ClientId, "partitions": assigned})
		}
		emit(map[string]interface{}{"event": "group-description", "group": g.GroupId, "state": g.State,
			"protocol_type": g.ProtocolType, "protocol": g.Protocol, "members": members})
	}
	return nil
}

// DeleteTopics with the version ClusterAdmin picks (v0 below 0.11.0.0, then v1).
func saramaDeleteTopics(o *options) error {
	client, err := saramaClient(o)
	if err != nil {
		return err
	}
	defer client.Close()
	b, err := saramaAdminBroker(client)
	if err != nil {
		return err
	}
	req := &sarama.DeleteTopicsRequest{Topics: o.topicList(), Timeout: o.timeout}
	if client.Config().Version.IsAtLeast(sarama.V0_11_0_0) {
		req.Version = 1
	}
	resp, err := b.DeleteTopics(req)
	if err != nil {
		return err
	}
	for _, t := range o.topicList() {
		kerr, ok := resp.TopicErrorCodes[t]
		if !ok {
			return fmt.Errorf("DeleteTopics response without %s", t)
		}
		if kerr != sarama.ErrNoError {
			return fmt.Errorf("%s: %v", t, kerr)
		}
	}
	emit(map[string]interface{}{"event": "deleted", "topics": o.topicList(), "version": req.Version})
	return nil
}

// offsets is what Burrow does: Client.GetOffset with OffsetOldest and OffsetNewest. Below
// 0.10.1.0 sarama sends ListOffsets v0 (the max_num_offsets form).
func saramaOffsets(o *options) error {
	client, err := saramaClient(o)
	if err != nil {
		return err
	}
	defer client.Close()
	oldest, err := client.GetOffset(o.topic, int32(o.partition), sarama.OffsetOldest)
	if err != nil {
		return fmt.Errorf("oldest: %v", err)
	}
	newest, err := client.GetOffset(o.topic, int32(o.partition), sarama.OffsetNewest)
	if err != nil {
		return fmt.Errorf("newest: %v", err)
	}
	emit(map[string]interface{}{"event": "offsets", "partition": o.partition, "oldest": oldest, "newest": newest})
	return nil
}

// commit-offset commits through sarama's OffsetManager, which always sends OffsetCommit v1
// (generation -1, no member: a group that only stores offsets). Errors come back on the
// partition manager's channel; without Return.Errors they would only be logged.
func saramaCommitOffset(o *options) error {
	client, err := saramaClient(o)
	if err != nil {
		return err
	}
	defer client.Close()
	om, err := sarama.NewOffsetManagerFromClient(o.group, client)
	if err != nil {
		return err
	}
	pom, err := om.ManagePartition(o.topic, int32(o.partition))
	if err != nil {
		om.Close()
		return err
	}
	pom.MarkOffset(o.offset, "brookgo")
	if err := om.Close(); err != nil {
		return err
	}
	var failures []string
	for cerr := range pom.Errors() {
		failures = append(failures, cerr.Error())
	}
	if len(failures) > 0 {
		return fmt.Errorf("offset commit failed: %v", failures)
	}
	emit(map[string]interface{}{"event": "committed", "partition": o.partition, "offset": o.offset})
	return nil
}

// fetch-offset reads a committed offset with OffsetFetch v1, as the OffsetManager does.
func saramaFetchOffset(o *options) error {
	client, b, err := saramaCoordinator(o)
	if err != nil {
		return err
	}
	defer client.Close()
	req := &sarama.OffsetFetchRequest{Version: 1, ConsumerGroup: o.group}
	req.AddPartition(o.topic, int32(o.partition))
	resp, err := b.FetchOffset(req)
	if err != nil {
		return err
	}
	block := resp.GetBlock(o.topic, int32(o.partition))
	if block == nil {
		return errors.New("OffsetFetch response without the partition")
	}
	if block.Err != sarama.ErrNoError {
		return block.Err
	}
	emit(map[string]interface{}{"event": "fetched", "partition": o.partition, "offset": block.Offset, "metadata": block.Metadata})
	return nil
}

// saramaCoordinator connects and finds the group coordinator; the caller closes the client.
func saramaCoordinator(o *options) (sarama.Client, *sarama.Broker, error) {
	client, err := saramaClient(o)
	if err != nil {
		return nil, nil, err
	}
	b, err := client.Coordinator(o.group)
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, b, nil
}
