"""The course: lessons in order (catalog), their text in Korean and English (content),
each learner's progress (selectors, services; the model is playground.models.LessonProgress)."""
