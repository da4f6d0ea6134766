"""Open edX code and math problems graded by Tangent through an XQueue.

An external grader in Open edX is a queue that a worker polls: it takes a submission, grades it
and puts the result back. The problem's `grader_payload` names the Tangent exercise; the learner's
response is the answer; the anonymous student id becomes a learner of the queue's service account.

- `client`: XQueue's grader interface over HTTP, its replies sorted into faults to wait out,
  sessions to renew and configuration errors.
- `jobs`: a handed-out submission read, recorded once and turned into a Tangent submission.
- `messages`: results as the HTML edx-platform shows under the problem.
- `worker`: the polling loop that survives the queue's faults.
- `problems`: Open edX problems that show each learner the variant Tangent grades.
"""
