// aws-sdk-go v1 (Debian's golang-github-aws-aws-sdk-go-dev, built in GOPATH mode) against
// CloudFront Local: both procedures with the SDK's own waiters, ETags and If-Match errors,
// invalidations, pagination, origin access identities and tags. tests/e2e/test_go.py runs it:
//   CFL_URL=http://127.0.0.1:4750 GO111MODULE=off GOPATH=/usr/share/gocode go test -v .
package e2e

import (
	"fmt"
	"os"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/request"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cloudfront"
)

var (
	etagPattern = regexp.MustCompile(`^[A-Z0-9]{13,14}$`)
	accounts    = uint64(time.Now().UnixNano() % 1e9)
)

// newClient acts for a fresh 12-digit account (the access key is the account), retries off.
func newClient(t *testing.T) *cloudfront.CloudFront {
	t.Helper()
	url := os.Getenv("CFL_URL")
	if url == "" {
		t.Fatal("set CFL_URL to the emulator's URL")
	}
	account := fmt.Sprintf("%012d", 950000000000+atomic.AddUint64(&accounts, 1)%49999999999)
	sess := session.Must(session.NewSession(&aws.Config{
		Endpoint:    aws.String(url),
		Region:      aws.String("us-east-1"),
		Credentials: credentials.NewStaticCredentials(account, "secret", ""),
		MaxRetries:  aws.Int(0),
	}))
	return cloudfront.New(sess)
}

// The waiters poll every 60 s by default; the emulator deploys after --propagation-delay.
var quickly = []request.WaiterOption{
	request.WithWaiterDelay(request.ConstantWaiterDelay(200 * time.Millisecond)),
	request.WithWaiterMaxAttempts(50),
}

func distributionConfig(comment string) *cloudfront.DistributionConfig {
	return &cloudfront.DistributionConfig{
		CallerReference: aws.String(fmt.Sprintf("go-%s-%d", comment, time.Now().UnixNano())),
		Comment:         aws.String(comment),
		Enabled:         aws.Bool(true),
		Origins: &cloudfront.Origins{Quantity: aws.Int64(1), Items: []*cloudfront.Origin{{
			Id:             aws.String("s3"),
			DomainName:     aws.String("my-bucket.s3.amazonaws.com"),
			S3OriginConfig: &cloudfront.S3OriginConfig{OriginAccessIdentity: aws.String("")},
		}}},
		DefaultCacheBehavior: &cloudfront.DefaultCacheBehavior{
			TargetOriginId:       aws.String("s3"),
			ViewerProtocolPolicy: aws.String("redirect-to-https"),
			CachePolicyId:        aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"),
		},
	}
}

// expectError fails unless err is the AWS error code with that HTTP status.
func expectError(t *testing.T, err error, code string, status int) {
	t.Helper()
	failure, ok := err.(awserr.RequestFailure)
	if !ok {
		t.Fatalf("expected %s (%d), got %v", code, status, err)
	}
	if failure.Code() != code || failure.StatusCode() != status || failure.RequestID() == "" {
		t.Fatalf("expected %s (%d) with a request id, got %s (%d) %q", code, status, failure.Code(),
			failure.StatusCode(), failure.RequestID())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDistributionProcedureWithWaiters(t *testing.T) {
	cf := newClient(t)
	created, err := cf.CreateDistribution(&cloudfront.CreateDistributionInput{DistributionConfig: distributionConfig("procedure")})
	must(t, err)
	id := created.Distribution.Id
	if *created.Distribution.Status != "InProgress" || !etagPattern.MatchString(*created.ETag) {
		t.Fatalf("create answered %s with ETag %s", *created.Distribution.Status, *created.ETag)
	}
	if *created.Location != "https://cloudfront.amazonaws.com/2020-05-31/distribution/"+*id {
		t.Fatalf("Location %s", *created.Location)
	}
	must(t, cf.WaitUntilDistributionDeployedWithContext(aws.BackgroundContext(), &cloudfront.GetDistributionInput{Id: id}, quickly...))

	// Deleting an enabled distribution is refused; so is a stale ETag.
	_, err = cf.DeleteDistribution(&cloudfront.DeleteDistributionInput{Id: id, IfMatch: created.ETag})
	expectError(t, err, "DistributionNotDisabled", 409)
	current, err := cf.GetDistributionConfig(&cloudfront.GetDistributionConfigInput{Id: id})
	must(t, err)
	if *current.ETag != *created.ETag || *current.DistributionConfig.PriceClass != "PriceClass_All" {
		t.Fatalf("config ETag %s (created %s), PriceClass %v", *current.ETag, *created.ETag, current.DistributionConfig.PriceClass)
	}
	current.DistributionConfig.Enabled = aws.Bool(false)
	_, err = cf.UpdateDistribution(&cloudfront.UpdateDistributionInput{Id: id, IfMatch: aws.String("E2STALEETAG123"),
		DistributionConfig: current.DistributionConfig})
	expectError(t, err, "PreconditionFailed", 412)
	_, err = cf.UpdateDistribution(&cloudfront.UpdateDistributionInput{Id: id, DistributionConfig: current.DistributionConfig})
	expectError(t, err, "InvalidIfMatchVersion", 400)
	updated, err := cf.UpdateDistribution(&cloudfront.UpdateDistributionInput{Id: id, IfMatch: current.ETag,
		DistributionConfig: current.DistributionConfig})
	must(t, err)
	if *updated.ETag == *current.ETag || *updated.Distribution.Status != "InProgress" {
		t.Fatalf("update kept ETag %s or answered %s", *updated.ETag, *updated.Distribution.Status)
	}
	must(t, cf.WaitUntilDistributionDeployedWithContext(aws.BackgroundContext(), &cloudfront.GetDistributionInput{Id: id}, quickly...))
	_, err = cf.DeleteDistribution(&cloudfront.DeleteDistributionInput{Id: id, IfMatch: updated.ETag})
	must(t, err)
	_, err = cf.GetDistribution(&cloudfront.GetDistributionInput{Id: id})
	expectError(t, err, "NoSuchDistribution", 404)
}

func TestStreamingDistributionWaiter(t *testing.T) {
	cf := newClient(t)
	created, err := cf.CreateStreamingDistribution(&cloudfront.CreateStreamingDistributionInput{
		StreamingDistributionConfig: &cloudfront.StreamingDistributionConfig{
			CallerReference: aws.String(fmt.Sprintf("go-rtmp-%d", time.Now().UnixNano())),
			Comment:         aws.String("rtmp"),
			Enabled:         aws.Bool(true),
			S3Origin: &cloudfront.S3Origin{DomainName: aws.String("media.s3.amazonaws.com"),
				OriginAccessIdentity: aws.String("")},
			TrustedSigners: &cloudfront.TrustedSigners{Enabled: aws.Bool(false), Quantity: aws.Int64(0)},
		}})
	must(t, err)
	id := created.StreamingDistribution.Id
	must(t, cf.WaitUntilStreamingDistributionDeployedWithContext(aws.BackgroundContext(),
		&cloudfront.GetStreamingDistributionInput{Id: id}, quickly...))
	got, err := cf.GetStreamingDistribution(&cloudfront.GetStreamingDistributionInput{Id: id})
	must(t, err)
	if *got.StreamingDistribution.Status != "Deployed" || *got.ETag != *created.ETag {
		t.Fatalf("status %s, ETag %s (created %s)", *got.StreamingDistribution.Status, *got.ETag, *created.ETag)
	}
}

func TestInvalidationWaiter(t *testing.T) {
	cf := newClient(t)
	created, err := cf.CreateDistribution(&cloudfront.CreateDistributionInput{DistributionConfig: distributionConfig("invalidated")})
	must(t, err)
	invalidation, err := cf.CreateInvalidation(&cloudfront.CreateInvalidationInput{
		DistributionId: created.Distribution.Id,
		InvalidationBatch: &cloudfront.InvalidationBatch{
			CallerReference: aws.String("go-invalidation"),
			Paths:           &cloudfront.Paths{Quantity: aws.Int64(2), Items: aws.StringSlice([]string{"/index.html", "/img/*"})},
		}})
	must(t, err)
	must(t, cf.WaitUntilInvalidationCompletedWithContext(aws.BackgroundContext(), &cloudfront.GetInvalidationInput{
		DistributionId: created.Distribution.Id, Id: invalidation.Invalidation.Id}, quickly...))
	listed, err := cf.ListInvalidations(&cloudfront.ListInvalidationsInput{DistributionId: created.Distribution.Id})
	must(t, err)
	if *listed.InvalidationList.Quantity != 1 || *listed.InvalidationList.Items[0].Status != "Completed" {
		t.Fatalf("invalidations: %v", listed.InvalidationList)
	}
}

func TestPagesAndTags(t *testing.T) {
	cf := newClient(t)
	var ids []string
	for i := 0; i < 5; i++ {
		created, err := cf.CreateDistributionWithTags(&cloudfront.CreateDistributionWithTagsInput{
			DistributionConfigWithTags: &cloudfront.DistributionConfigWithTags{
				DistributionConfig: distributionConfig(fmt.Sprintf("page-%d", i)),
				Tags: &cloudfront.Tags{Items: []*cloudfront.Tag{{Key: aws.String("n"), Value: aws.String(fmt.Sprint(i))}}},
			}})
		must(t, err)
		ids = append(ids, *created.Distribution.Id)
	}
	var seen []string
	pages := 0
	must(t, cf.ListDistributionsPages(&cloudfront.ListDistributionsInput{MaxItems: aws.Int64(2)},
		func(page *cloudfront.ListDistributionsOutput, last bool) bool {
			pages++
			for _, item := range page.DistributionList.Items {
				seen = append(seen, *item.Id)
			}
			return true
		}))
	if pages != 3 || fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("%d pages: %v, created %v", pages, seen, ids)
	}
	got, err := cf.GetDistribution(&cloudfront.GetDistributionInput{Id: aws.String(ids[3])})
	must(t, err)
	tags, err := cf.ListTagsForResource(&cloudfront.ListTagsForResourceInput{Resource: got.Distribution.ARN})
	must(t, err)
	if len(tags.Tags.Items) != 1 || *tags.Tags.Items[0].Value != "3" {
		t.Fatalf("tags %v", tags.Tags)
	}
}

func TestOriginAccessIdentity(t *testing.T) {
	cf := newClient(t)
	created, err := cf.CreateCloudFrontOriginAccessIdentity(&cloudfront.CreateCloudFrontOriginAccessIdentityInput{
		CloudFrontOriginAccessIdentityConfig: &cloudfront.OriginAccessIdentityConfig{
			CallerReference: aws.String("go-oai"), Comment: aws.String("for the bucket")}})
	must(t, err)
	identity := created.CloudFrontOriginAccessIdentity
	if !regexp.MustCompile(`^[0-9a-f]{64,96}$`).MatchString(*identity.S3CanonicalUserId) {
		t.Fatalf("S3CanonicalUserId %s", *identity.S3CanonicalUserId)
	}
	_, err = cf.DeleteCloudFrontOriginAccessIdentity(&cloudfront.DeleteCloudFrontOriginAccessIdentityInput{
		Id: identity.Id, IfMatch: aws.String("E2STALEETAG123")})
	expectError(t, err, "PreconditionFailed", 412)
	_, err = cf.DeleteCloudFrontOriginAccessIdentity(&cloudfront.DeleteCloudFrontOriginAccessIdentityInput{
		Id: identity.Id, IfMatch: created.ETag})
	must(t, err)
}
