// The client's progress reviews, across their engagements: open ones to answer first, then the ones
// with the coach, then finished ones with the coach's notes, then any that were missed.
import { useMe } from '../../api/auth';
import { listEngagements, listReviews, mapLimit } from '../../api/queries';
import type { Engagement, Review, ReviewStatus } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { ReviewStatusBadge } from '../../components/status';
import { Async, Card, Empty, PageHeader } from '../../components/ui';
import { calendarDate, dateTime, relative } from '../../format';
import { Link } from '../../router';

const ORDER: ReviewStatus[] = ['open', 'submitted', 'completed', 'missed'];

const GROUP: Record<ReviewStatus, { title: string; hint: string }> = {
  open: { title: 'To answer', hint: 'Rate each goal and tell your coach what helped and what got in the way.' },
  submitted: { title: 'With your coach', hint: 'Your coach reads your answers and adjusts your goals with you.' },
  completed: { title: 'Completed', hint: 'Your coach’s notes on each review.' },
  missed: { title: 'Missed', hint: 'These periods closed before a review was submitted.' },
};

interface Row {
  review: Review;
  engagement: Engagement;
}

async function loadClientReviews(): Promise<Row[]> {
  const engagements = await listEngagements();
  const lists = await mapLimit(engagements, 4, async (e) => (await listReviews(e.id)).map((review) => ({ review, engagement: e })));
  return lists.flat().sort((a, b) => b.review.periodEnd.localeCompare(a.review.periodEnd));
}

export function ClientReviewsPage() {
  const me = useMe();
  const data = useResource(['client-reviews'], loadClientReviews);
  return (
    <>
      <PageHeader title="Your reviews" subtitle="Looking back on each period with your coach: what moved, what helped, what comes next." />
      <Async resource={data} label="Loading your reviews">
        {(rows) => {
          if (!rows.length) {
            return (
              <Card>
                <Empty>No reviews yet. Your coach opens one at the end of each period, and it appears here and on your home page.</Empty>
              </Card>
            );
          }
          const several = new Set(rows.map((r) => r.engagement.id)).size > 1;
          return (
            <div className="stack">
              {ORDER.map((status) => {
                const list = rows.filter((r) => r.review.status === status);
                if (!list.length) return null;
                return (
                  <Card key={status} title={GROUP[status].title}>
                    <p className="muted small">{GROUP[status].hint}</p>
                    <ul className="list">
                      {list.map(({ review: r, engagement: e }) => (
                        <li key={r.id} className="review-row">
                          <Link to={`/reviews/${r.id}`} className="list-link">
                            <span className="list-main">
                              <span className="list-title">
                                {calendarDate(r.periodStart)} – {calendarDate(r.periodEnd)}
                              </span>
                              <span className="list-sub">
                                {several ? `${e.title} · ` : ''}
                                {r.status === 'open' && `${r.overdue ? 'Was due' : 'Due'} ${dateTime(r.dueAt, me.timezone)} (${relative(r.dueAt)})`}
                                {r.status === 'submitted' && (r.submittedAt ? `You submitted it ${relative(r.submittedAt)}` : 'Submitted')}
                                {r.status === 'completed' && (r.completedAt ? `Completed ${relative(r.completedAt)}` : 'Completed')}
                                {r.status === 'missed' && `Was due ${dateTime(r.dueAt, me.timezone)}`}
                              </span>
                            </span>
                            <span className="list-meta">
                              <ReviewStatusBadge review={r} />
                              {r.status === 'open' && <span className="link-hint">Answer →</span>}
                            </span>
                          </Link>
                          {r.status === 'completed' && r.coachNotes && (
                            <blockquote className="coach-note">
                              <span className="coach-note-label">Your coach’s notes</span>
                              {r.coachNotes}
                            </blockquote>
                          )}
                        </li>
                      ))}
                    </ul>
                  </Card>
                );
              })}
            </div>
          );
        }}
      </Async>
    </>
  );
}
