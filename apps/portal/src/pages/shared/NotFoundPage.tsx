import { PageHeader } from '../../components/ui';
import { Link } from '../../router';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" subtitle="The address may be mistyped, or the page has moved." />
      <Link to="/" className="btn">
        Back to the start
      </Link>
    </>
  );
}
