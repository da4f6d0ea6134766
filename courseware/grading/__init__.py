"""The grading pipeline on the trusted side: taking an answer (intake), grading it once per request
(pipeline), the exercise definitions workers grade with, the events and progress a waiting page
hears, and the workers' heartbeats."""
