package main

// confluent-kafka-go 0.11.6 (Debian golang-github-confluentinc-confluent-kafka-go-dev) over the
// system librdkafka (2.0.2 here), which negotiates versions with ApiVersions. 0.11.6 has no group
// listing, so the tests list and describe its groups with another client.

import (
	"context"
	"fmt"
	"os"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

var confluentActions = map[string]action{
	"create-topic":  confluentCreateTopic,
	"produce":       confluentProduce,
	"group-consume": confluentGroupConsume,
	"delete-topics": confluentDeleteTopics,
	"offsets":       confluentOffsets,
}

func confluentConfig(o *options, extra kafka.ConfigMap) *kafka.ConfigMap {
	cfg := kafka.ConfigMap{
		"bootstrap.servers":  o.bootstrap,
		"client.id":          "brookgo-confluent",
		"socket.timeout.ms":  int(o.timeout.Milliseconds()),
		"message.timeout.ms": int(o.timeout.Milliseconds()),
	}
	if os.Getenv("BROOKGO_DEBUG") != "" {
		cfg["debug"] = "protocol,broker"
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return &cfg
}

func confluentAdmin(o *options) (*kafka.AdminClient, error) {
	return kafka.NewAdminClient(confluentConfig(o, nil))
}

func confluentCreateTopic(o *options) error {
	a, err := confluentAdmin(o)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	res, err := a.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: o.topic, NumPartitions: o.partitions, ReplicationFactor: 1}})
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Error.Code() != kafka.ErrNoError {
			return r.Error
		}
	}
	emit(map[string]interface{}{"event": "created", "topic": o.topic})
	return nil
}

func confluentDeleteTopics(o *options) error {
	a, err := confluentAdmin(o)
	if err != nil {
		return err
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	res, err := a.DeleteTopics(ctx, o.topicList())
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Error.Code() != kafka.ErrNoError {
			return fmt.Errorf("%s: %v", r.Topic, r.Error)
		}
	}
	emit(map[string]interface{}{"event": "deleted", "topics": o.topicList()})
	return nil
}

// produce waits for each delivery report before the next record, so order is send order.
func confluentProduce(o *options) error {
	p, err := kafka.NewProducer(confluentConfig(o, kafka.ConfigMap{
		"compression.codec": o.codec, "acks": "all", "linger.ms": 1}))
	if err != nil {
		return err
	}
	defer p.Close()
	reports := make(chan kafka.Event, 1)
	for i := 0; i < o.count; i++ {
		key, value := record(o, i)
		err := p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &o.topic, Partition: kafka.PartitionAny},
			Key: []byte(key), Value: []byte(value)}, reports)
		if err != nil {
			return fmt.Errorf("record %d: %v", i, err)
		}
		m := (<-reports).(*kafka.Message)
		if m.TopicPartition.Error != nil {
			return fmt.Errorf("record %d: %v", i, m.TopicPartition.Error)
		}
		emit(map[string]interface{}{"event": "produced", "partition": m.TopicPartition.Partition,
			"offset": int64(m.TopicPartition.Offset), "key": key, "value": value})
	}
	return nil
}

func confluentOffsets(o *options) error {
	c, err := kafka.NewConsumer(confluentConfig(o, kafka.ConfigMap{"group.id": "brookgo-offsets"}))
	if err != nil {
		return err
	}
	defer c.Close()
	low, high, err := c.QueryWatermarkOffsets(o.topic, int32(o.partition), int(o.timeout.Milliseconds()))
	if err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "offsets", "partition": o.partition, "oldest": low, "newest": high})
	return nil
}

// group-consume assigns and revokes from the application (go.application.rebalance.enable) to
// see each assignment, and commits every record synchronously before reporting it.
func confluentGroupConsume(o *options) error {
	name := memberName()
	c, err := kafka.NewConsumer(confluentConfig(o, kafka.ConfigMap{
		"group.id": o.group, "enable.auto.commit": false, "auto.offset.reset": "earliest",
		"session.timeout.ms": 10000, "heartbeat.interval.ms": 500,
		"go.application.rebalance.enable": true}))
	if err != nil {
		return err
	}
	if err := c.Subscribe(o.topic, nil); err != nil {
		c.Close()
		return err
	}
	stop := stopSignal()
	for {
		select {
		case <-stop:
			if err := c.Close(); err != nil {
				return err
			}
			emit(map[string]interface{}{"event": "closed", "member": name})
			return nil
		default:
		}
		switch e := c.Poll(100).(type) {
		case kafka.AssignedPartitions:
			var parts []int32
			for _, tp := range e.Partitions {
				parts = append(parts, tp.Partition)
			}
			emitAssigned(name, parts)
			if err := c.Assign(e.Partitions); err != nil {
				return err
			}
		case kafka.RevokedPartitions:
			if err := c.Unassign(); err != nil {
				return err
			}
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				emit(map[string]interface{}{"event": "error", "member": name, "error": e.TopicPartition.Error.Error()})
				continue
			}
			if _, err := c.CommitMessage(e); err != nil {
				return fmt.Errorf("commit: %v", err)
			}
			emitRecord(name, e.TopicPartition.Partition, int64(e.TopicPartition.Offset), e.Key, e.Value)
		case kafka.Error:
			emit(map[string]interface{}{"event": "client-error", "member": name, "error": e.Error()})
		}
	}
}
