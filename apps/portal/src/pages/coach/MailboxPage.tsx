// Development only: the mail the platform would have sent, kept because no SMTP server is configured.
import { useState } from 'react';
import { useMe } from '../../api/auth';
import { api, ApiError, call, pages } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { Async, Badge, Card, Empty, FormError, PageHeader, useSubmit } from '../../components/ui';
import { dateTime, relative } from '../../format';

const fetchMail = (cursor: string | undefined) => call(api.GET('/v1/dev/mailbox', { params: { query: { limit: 50, cursor } } }));

export function MailboxPage() {
  const me = useMe();
  const mail = useResource(['coach-mailbox'], () =>
    pages(fetchMail, 1).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  );
  const more = useSubmit();
  const showMore = (cursor: string) =>
    more.run(async () => {
      const next = await pages(fetchMail, 1, cursor);
      mail.setData((p) => (p ? { items: [...p.items, ...next.items.filter((m) => !p.items.some((x) => x.id === m.id))], nextCursor: next.nextCursor } : p));
    });
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Development mailbox" subtitle="No mail server is configured, so messages are kept here instead of being sent." actions={<button type="button" className="btn" onClick={() => void mail.reload()}>Refresh</button>} />
      <Card>
        <Async resource={mail} label="Loading mail">
          {(box) =>
            box === null ? (
              <Empty>Mail is sent through the configured mail server; there is no development mailbox.</Empty>
            ) : box.items.length === 0 ? (
              <Empty>No mail yet. Reminders, prompts and nudges appear here as the worker sends them.</Empty>
            ) : (
              <>
                <ul className="list mailbox">
                  {box.items.map((m) => (
                    <li key={m.id}>
                      <button type="button" className="list-link mail-row" onClick={() => setOpenId(openId === m.id ? null : m.id)} aria-expanded={openId === m.id}>
                        <span className="list-main">
                          <span className="list-title">{m.subject}</span>
                          <span className="list-sub">To {m.to}</span>
                        </span>
                        <span className="list-meta">
                          {m.hasCalendarInvite && <Badge tone="info">Calendar invite</Badge>}
                          <time dateTime={m.createdAt} title={dateTime(m.createdAt, me.timezone)}>
                            {relative(m.createdAt)}
                          </time>
                        </span>
                      </button>
                      {openId === m.id && <pre className="mail-body">{m.text}</pre>}
                    </li>
                  ))}
                </ul>
                {box.nextCursor && (
                  <div className="list-more">
                    <FormError error={more.error} />
                    <button type="button" className="btn" onClick={() => void showMore(box.nextCursor!)} disabled={more.busy}>
                      {more.busy ? 'Loading…' : 'Show older mail'}
                    </button>
                  </div>
                )}
              </>
            )
          }
        </Async>
      </Card>
    </>
  );
}
