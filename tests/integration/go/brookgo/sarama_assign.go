package main

// Consumption without group membership, for sarama configs too old for the group APIs (sarama
// 1.22 refuses JoinGroup below Config.Version 0.9.0.0): the application assigns partitions itself
// and keeps its positions in Kafka with sarama's OffsetManager, which fetches them with
// OffsetFetch v1 and commits with OffsetCommit v1 (generation -1, no member id).

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/Shopify/sarama"
)

func parsePartitions(list string) ([]int32, error) {
	var out []int32
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("bad partition list %q", list)
		}
		out = append(out, int32(n))
	}
	return out, nil
}

func saramaAssignConsume(o *options) error {
	name := memberName()
	partitions, err := parsePartitions(o.assign)
	if err != nil {
		return err
	}
	cfg, err := saramaConfig(o)
	if err != nil {
		return err
	}
	cfg.Consumer.Offsets.CommitInterval = 100e6 // 100 ms
	client, err := sarama.NewClient([]string{o.bootstrap}, cfg)
	if err != nil {
		return err
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return err
	}
	defer consumer.Close()
	om, err := sarama.NewOffsetManagerFromClient(o.group, client)
	if err != nil {
		return err
	}
	stop := stopSignal()

	poms := map[int32]sarama.PartitionOffsetManager{}
	var reporters sync.WaitGroup
	deliveries := make(chan delivery)
	quit := make(chan struct{})
	var pcs []sarama.PartitionConsumer
	for _, p := range partitions {
		pom, err := om.ManagePartition(o.topic, p)
		if err != nil {
			om.Close()
			return fmt.Errorf("OffsetFetch partition %d: %v", p, err)
		}
		poms[p] = pom
		reporters.Add(1)
		go func(pom sarama.PartitionOffsetManager) {
			defer reporters.Done()
			for cerr := range pom.Errors() {
				emit(map[string]interface{}{"event": "error", "member": name, "error": "commit: " + cerr.Error()})
			}
		}(pom)
		next, _ := pom.NextOffset()
		pc, err := consumer.ConsumePartition(o.topic, p, next)
		if err != nil {
			om.Close()
			return fmt.Errorf("ConsumePartition %d from %d: %v", p, next, err)
		}
		pcs = append(pcs, pc)
		go forward(pc, deliveries, quit)
	}
	emitAssigned(name, partitions)

	for running := true; running; {
		select {
		case <-stop:
			running = false
		case d := <-deliveries:
			if d.err != nil {
				emit(map[string]interface{}{"event": "error", "member": name, "error": d.err.Error()})
				continue
			}
			emitRecord(name, d.msg.Partition, d.msg.Offset, d.msg.Key, d.msg.Value)
			poms[d.msg.Partition].MarkOffset(d.msg.Offset+1, "")
		}
	}
	close(quit)
	for _, pc := range pcs {
		_ = pc.Close()
	}
	// Close flushes the marked offsets, retrying, then closes each Errors channel.
	if err := om.Close(); err != nil {
		return err
	}
	reporters.Wait()
	emit(map[string]interface{}{"event": "closed", "member": name})
	return nil
}
