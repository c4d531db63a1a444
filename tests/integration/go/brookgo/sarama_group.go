package main

// Group consumption with sarama 1.22. Its ConsumerGroup needs Config.Version >= 0.10.2.0; below
// that, sarama users ran the group protocol themselves on top of sarama's Broker requests (as the
// sarama-cluster library did), which legacyMember does: JoinGroup v0, SyncGroup v0, Heartbeat v0,
// OffsetFetch v1, OffsetCommit v1 (with generation and member id), LeaveGroup v0, and the
// partition consumer's Fetch at the configured version.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Shopify/sarama"
)

func saramaGroupConsume(o *options) error {
	cfg, err := saramaConfig(o)
	if err != nil {
		return err
	}
	cfg.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	cfg.Consumer.Group.Session.Timeout = 10 * time.Second
	cfg.Consumer.Group.Heartbeat.Interval = 500 * time.Millisecond
	client, err := sarama.NewClient([]string{o.bootstrap}, cfg)
	if err != nil {
		return err
	}
	defer client.Close()
	stop := stopSignal()
	if cfg.Version.IsAtLeast(sarama.V0_10_2_0) {
		return consumeWithConsumerGroup(client, o, stop)
	}
	m := &legacyMember{client: client, group: o.group, topic: o.topic, name: memberName()}
	return m.run(stop)
}

// groupHandler reports claims and records; MarkMessage hands offsets to sarama's offset manager,
// which commits them every CommitInterval and when the session ends.
type groupHandler struct{ name, topic string }

func (h groupHandler) Setup(s sarama.ConsumerGroupSession) error {
	emitAssigned(h.name, s.Claims()[h.topic])
	return nil
}

func (h groupHandler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h groupHandler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for msg := range c.Messages() {
		emitRecord(h.name, msg.Partition, msg.Offset, msg.Key, msg.Value)
		s.MarkMessage(msg, "")
	}
	return nil
}

func consumeWithConsumerGroup(client sarama.Client, o *options, stop <-chan struct{}) error {
	group, err := sarama.NewConsumerGroupFromClient(o.group, client)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
	}()
	go func() {
		for err := range group.Errors() {
			emit(map[string]interface{}{"event": "error", "member": memberName(), "error": err.Error()})
		}
	}()
	handler := groupHandler{name: memberName(), topic: o.topic}
	for ctx.Err() == nil {
		if err := group.Consume(ctx, []string{o.topic}, handler); err != nil && ctx.Err() == nil {
			group.Close()
			return err
		}
	}
	if err := group.Close(); err != nil {
		return err
	}
	emit(map[string]interface{}{"event": "closed", "member": memberName()})
	return nil
}

// legacyMember is one group member speaking the pre-0.10.2 group protocol through sarama.
type legacyMember struct {
	client     sarama.Client
	group      string
	topic      string
	name       string
	memberID   string
	generation int32
}

var (
	errRejoin     = errors.New("rejoin")                      // a rebalance is running: join again
	errMemberGone = errors.New("member unknown to the group") // join again as a new member
)

func (m *legacyMember) run(stop <-chan struct{}) error {
	consumer, err := sarama.NewConsumerFromClient(m.client)
	if err != nil {
		return err
	}
	defer consumer.Close()
	failures := 0
	for {
		select {
		case <-stop:
			return m.leave()
		default:
		}
		partitions, err := m.join()
		if err == nil {
			emitAssigned(m.name, partitions)
			err = m.consume(consumer, partitions, stop)
		}
		switch {
		case err == nil:
			return m.leave()
		case err == errRejoin:
			failures = 0
		case err == errMemberGone:
			m.memberID = ""
			failures++
			if failures > 5 {
				return err
			}
		default:
			// Coordinator moves and rebalances are retried a few times, as sarama's own
			// ConsumerGroup does; anything persistent is the test's failure.
			failures++
			emit(map[string]interface{}{"event": "retry", "member": m.name, "error": err.Error()})
			if failures > 5 {
				return err
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

func (m *legacyMember) coordinator() (*sarama.Broker, error) {
	return m.client.Coordinator(m.group)
}

// join runs JoinGroup and SyncGroup; the leader assigns ranges of partitions.
func (m *legacyMember) join() ([]int32, error) {
	coord, err := m.coordinator()
	if err != nil {
		return nil, err
	}
	req := &sarama.JoinGroupRequest{GroupId: m.group, SessionTimeout: 10000, MemberId: m.memberID,
		ProtocolType: "consumer"}
	if m.client.Config().Version.IsAtLeast(sarama.V0_10_1_0) {
		req.Version = 1
		req.RebalanceTimeout = 10000
	}
	if err := req.AddGroupProtocolMetadata("range", &sarama.ConsumerGroupMemberMetadata{Topics: []string{m.topic}}); err != nil {
		return nil, err
	}
	resp, err := coord.JoinGroup(req)
	if err != nil {
		_ = m.client.RefreshCoordinator(m.group)
		return nil, fmt.Errorf("JoinGroup: %v", err)
	}
	if resp.Err == sarama.ErrUnknownMemberId {
		m.memberID = ""
	}
	if resp.Err != sarama.ErrNoError {
		return nil, fmt.Errorf("JoinGroup: %v", resp.Err)
	}
	m.memberID, m.generation = resp.MemberId, resp.GenerationId

	sync := &sarama.SyncGroupRequest{GroupId: m.group, GenerationId: m.generation, MemberId: m.memberID}
	if resp.LeaderId == resp.MemberId {
		members, err := resp.GetMembers()
		if err != nil {
			return nil, err
		}
		if err := m.client.RefreshMetadata(m.topic); err != nil {
			return nil, err
		}
		partitions, err := m.client.Partitions(m.topic)
		if err != nil {
			return nil, err
		}
		plan, err := sarama.BalanceStrategyRange.Plan(members, map[string][]int32{m.topic: partitions})
		if err != nil {
			return nil, err
		}
		for id := range members {
			assignment := &sarama.ConsumerGroupMemberAssignment{Topics: plan[id]}
			if err := sync.AddGroupAssignmentMember(id, assignment); err != nil {
				return nil, err
			}
		}
	}
	syncResp, err := coord.SyncGroup(sync)
	if err != nil {
		return nil, fmt.Errorf("SyncGroup: %v", err)
	}
	if syncResp.Err != sarama.ErrNoError {
		return nil, fmt.Errorf("SyncGroup: %v", syncResp.Err)
	}
	assignment, err := syncResp.GetMemberAssignment()
	if err != nil {
		return nil, err
	}
	if assignment == nil {
		return []int32{}, nil
	}
	return assignment.Topics[m.topic], nil
}

type delivery struct {
	msg *sarama.ConsumerMessage
	err *sarama.ConsumerError
}

// consume reads the assigned partitions from their committed offsets, committing records before
// reporting them, until a stop (nil) or until the heartbeat ends the generation.
func (m *legacyMember) consume(consumer sarama.Consumer, partitions []int32, stop <-chan struct{}) error {
	coord, err := m.coordinator()
	if err != nil {
		return err
	}
	starts := map[int32]int64{}
	if len(partitions) > 0 {
		req := &sarama.OffsetFetchRequest{Version: 1, ConsumerGroup: m.group}
		for _, p := range partitions {
			req.AddPartition(m.topic, p)
		}
		resp, err := coord.FetchOffset(req)
		if err != nil {
			return fmt.Errorf("OffsetFetch: %v", err)
		}
		for _, p := range partitions {
			block := resp.GetBlock(m.topic, p)
			if block == nil || block.Err != sarama.ErrNoError {
				return fmt.Errorf("OffsetFetch partition %d: %v", p, block)
			}
			starts[p] = block.Offset
			if block.Offset < 0 {
				starts[p] = sarama.OffsetOldest
			}
		}
	}

	deliveries := make(chan delivery)
	quit := make(chan struct{})
	var pcs []sarama.PartitionConsumer
	// The forwarders must stop first: a partition consumer closes only once its messages are read.
	defer func() {
		close(quit)
		for _, pc := range pcs {
			_ = pc.Close()
		}
	}()
	for _, p := range partitions {
		pc, err := consumer.ConsumePartition(m.topic, p, starts[p])
		if err != nil {
			return fmt.Errorf("ConsumePartition %d: %v", p, err)
		}
		pcs = append(pcs, pc)
		go forward(pc, deliveries, quit)
	}

	rebalance := make(chan error, 1)
	go m.heartbeat(coord, m.generation, m.memberID, rebalance, quit)
	for {
		var batch []*sarama.ConsumerMessage
		select {
		case <-stop:
			return nil
		case err := <-rebalance:
			return err
		case d := <-deliveries:
			if d.err != nil {
				emit(map[string]interface{}{"event": "error", "member": m.name, "error": d.err.Error()})
				continue
			}
			batch = append(batch, d.msg)
		}
		// Take what else is ready, then commit once: the commit waits behind the partition
		// consumer's long-poll Fetch on the same connection, so one commit per record is slow.
	more:
		for len(batch) < 500 {
			select {
			case d := <-deliveries:
				if d.err != nil {
					emit(map[string]interface{}{"event": "error", "member": m.name, "error": d.err.Error()})
					continue
				}
				batch = append(batch, d.msg)
			default:
				break more
			}
		}
		next := map[int32]int64{}
		for _, msg := range batch {
			next[msg.Partition] = msg.Offset + 1
		}
		if err := m.commit(coord, next); err != nil {
			return err
		}
		for _, msg := range batch {
			emitRecord(m.name, msg.Partition, msg.Offset, msg.Key, msg.Value)
		}
	}
}

func forward(pc sarama.PartitionConsumer, out chan<- delivery, quit <-chan struct{}) {
	msgs, errs := pc.Messages(), pc.Errors()
	for msgs != nil || errs != nil {
		var d delivery
		select {
		case msg, ok := <-msgs:
			if !ok {
				msgs = nil
				continue
			}
			d.msg = msg
		case cerr, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			d.err = cerr
		}
		select {
		case out <- d:
		case <-quit:
			// Drain so Close can finish; these records were never committed.
			if msgs != nil {
				for range msgs {
				}
			}
			return
		}
	}
}

// heartbeat reports the first heartbeat error on rebalance; the member goroutine acts on it.
func (m *legacyMember) heartbeat(coord *sarama.Broker, generation int32, memberID string, rebalance chan<- error, quit <-chan struct{}) {
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-quit:
			return
		case <-ticker.C:
		}
		resp, err := coord.Heartbeat(&sarama.HeartbeatRequest{GroupId: m.group, GenerationId: generation, MemberId: memberID})
		switch {
		case err != nil:
			rebalance <- fmt.Errorf("Heartbeat: %v", err)
			return
		case resp.Err == sarama.ErrRebalanceInProgress:
			rebalance <- errRejoin
			return
		case resp.Err == sarama.ErrUnknownMemberId || resp.Err == sarama.ErrIllegalGeneration:
			rebalance <- errMemberGone
			return
		case resp.Err != sarama.ErrNoError:
			rebalance <- fmt.Errorf("Heartbeat: %v", resp.Err)
			return
		}
	}
}

// commit sends OffsetCommit v1 with this member's generation, as sarama's ConsumerGroup does.
func (m *legacyMember) commit(coord *sarama.Broker, next map[int32]int64) error {
	req := &sarama.OffsetCommitRequest{Version: 1, ConsumerGroup: m.group,
		ConsumerGroupGeneration: m.generation, ConsumerID: m.memberID}
	for partition, offset := range next {
		req.AddBlock(m.topic, partition, offset, sarama.ReceiveTime, "")
	}
	resp, err := coord.CommitOffset(req)
	if err != nil {
		return fmt.Errorf("OffsetCommit: %v", err)
	}
	for partition := range next {
		kerr, ok := resp.Errors[m.topic][partition]
		switch {
		case !ok:
			return fmt.Errorf("OffsetCommit: no result for partition %d", partition)
		case kerr == sarama.ErrRebalanceInProgress || kerr == sarama.ErrIllegalGeneration:
			return errRejoin
		case kerr == sarama.ErrUnknownMemberId:
			return errMemberGone
		case kerr != sarama.ErrNoError:
			return fmt.Errorf("OffsetCommit partition %d: %v", partition, kerr)
		}
	}
	return nil
}

func (m *legacyMember) leave() error {
	if m.memberID != "" {
		coord, err := m.coordinator()
		if err != nil {
			return err
		}
		resp, err := coord.LeaveGroup(&sarama.LeaveGroupRequest{GroupId: m.group, MemberId: m.memberID})
		if err != nil {
			return fmt.Errorf("LeaveGroup: %v", err)
		}
		if resp.Err != sarama.ErrNoError {
			return fmt.Errorf("LeaveGroup: %v", resp.Err)
		}
	}
	emit(map[string]interface{}{"event": "closed", "member": m.name})
	return nil
}
